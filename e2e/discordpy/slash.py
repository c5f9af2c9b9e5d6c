"""
discord.py's app_commands against Concord: a CommandTree syncs a guild command, a person runs it (played by
slash.test.ts over stdin/stdout, as in bot.py), the bot answers ephemerally with a button view, and the click
edits the message. Any failed check raises, which exits non-zero with the traceback on stderr.
"""
import asyncio
import json
import logging
import os
import sys

import discord
import yarl
from discord import app_commands

API = os.environ["CONCORD_API"]
GATEWAY = os.environ["CONCORD_GATEWAY"]
TOKEN = os.environ["CONCORD_BOT_TOKEN"]
GUILD_ID = int(os.environ["CONCORD_GUILD_ID"])
OWNER_ID = int(os.environ["CONCORD_OWNER_ID"])
TIMEOUT = 10

discord.http.Route.BASE = f"{API}/v10"
discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(GATEWAY)

logging.basicConfig(level=logging.WARNING, stream=sys.stderr)


def emit(obj):
    print(json.dumps(obj), flush=True)


async def ask(need, **extra):
    emit({"need": need, **extra})
    line = await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline), TIMEOUT * 2)
    if not line:
        raise RuntimeError(f"the test closed stdin while asked for {need}")
    return json.loads(line)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


client = discord.Client(intents=discord.Intents.default())
tree = app_commands.CommandTree(client)
GUILD = discord.Object(GUILD_ID)
seen = {}


class Vote(discord.ui.View):
    @discord.ui.button(label="Yes", style=discord.ButtonStyle.success, custom_id="yes")
    async def yes(self, interaction: discord.Interaction, button: discord.ui.Button):
        seen["click_user"] = interaction.user.id
        await interaction.response.edit_message(content="Voted yes", view=None)


@tree.command(name="vote", description="Start a vote", guild=GUILD)
@app_commands.describe(topic="What about", rounds="How many rounds")
async def vote(interaction: discord.Interaction, topic: str, rounds: app_commands.Range[int, 1, 3] = 1):
    seen["invoker"] = interaction.user.id
    seen["args"] = (topic, rounds)
    await interaction.response.send_message(f"Vote on {topic}?", view=Vote(), ephemeral=True)


@tree.command(name="later", description="Answers after thinking", guild=GUILD)
async def later(interaction: discord.Interaction):
    await interaction.response.defer(thinking=True)
    await interaction.edit_original_response(content="thought about it")
    await interaction.followup.send("and one more", ephemeral=True)


async def scenario():
    await asyncio.wait_for(client.wait_until_ready(), TIMEOUT * 2)
    synced = await tree.sync(guild=GUILD)
    check(sorted(c.name for c in synced) == ["later", "vote"], "tree.sync registers the guild commands")
    vote_cmd = next(c for c in synced if c.name == "vote")
    check([o.name for o in vote_cmd.options] == ["topic", "rounds"], "options synced")
    check(vote_cmd.options[0].required and not vote_cmd.options[1].required, "required flags")
    fetched = await tree.fetch_commands(guild=GUILD)
    check({c.id for c in fetched} == {c.id for c in synced}, "fetch_commands")
    emit({"step": "sync"})

    answer = await ask("run_and_click", command_id=str(vote_cmd.id), name="vote", options=[{"name": "topic", "type": 3, "value": "lunch"}, {"name": "rounds", "type": 4, "value": 2}])
    check(seen.get("invoker") == OWNER_ID and seen.get("args") == ("lunch", 2), "the command callback got its arguments")
    check(answer["shown"]["content"] == "Vote on lunch?" and answer["shown"]["flags"] == 64, "ephemeral reply")
    check(answer["shown"]["components"][0]["components"][0]["custom_id"] == "yes", "the view's button")
    check(seen.get("click_user") == OWNER_ID, "the button callback ran")
    check(answer["updated"]["content"] == "Voted yes" and answer["updated"]["components"] == [], "edit_message")
    emit({"step": "ephemeral_button"})

    later_cmd = next(c for c in synced if c.name == "later")
    answer = await ask("run_and_wait", command_id=str(later_cmd.id), name="later", content="and one more")
    check(answer["original"]["content"] == "thought about it", "deferred, then edited")
    check(answer["followup"]["flags"] == 64, "ephemeral follow-up")
    emit({"step": "defer_followup"})


async def main():
    async with client:
        runner = asyncio.create_task(client.start(TOKEN, reconnect=True))
        try:
            done, _ = await asyncio.wait({runner, asyncio.create_task(scenario())}, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()
            emit({"done": True})
        finally:
            await client.close()
            runner.cancel()


asyncio.run(main())
