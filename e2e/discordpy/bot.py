"""
An unmodified discord.py 2.x bot against a Concord server, pointed at it only by its API base and gateway URL.

Run by bot.test.ts, which owns the server: it passes the ids in the environment and answers the few things the
bot cannot do itself (a person's message, a network failure) over stdin/stdout, one JSON object a line:
the bot writes `{"need": ...}` or `{"step": name}` (each passed step) and, last, `{"done": true}`.
Any failed check raises, which exits non-zero with the traceback on stderr.
"""
import asyncio
import json
import logging
import os
import sys

import discord
import yarl

API = os.environ["CONCORD_API"]  # http://127.0.0.1:port/api
GATEWAY = os.environ["CONCORD_GATEWAY"]  # ws://127.0.0.1:port/gateway
TOKEN = os.environ["CONCORD_BOT_TOKEN"]
GUILD_ID = int(os.environ["CONCORD_GUILD_ID"])
CHANNEL_ID = int(os.environ["CONCORD_CHANNEL_ID"])
OWNER_ID = int(os.environ["CONCORD_OWNER_ID"])
TIMEOUT = 10

# The only change a bot needs: where the API and the gateway are.
discord.http.Route.BASE = f"{API}/v10"
discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(GATEWAY)

logging.basicConfig(level=logging.WARNING, stream=sys.stderr)


def emit(obj):
    print(json.dumps(obj), flush=True)


async def ask(need, **extra):
    """Asks the test for something and waits for its one-line JSON answer."""
    emit({"need": need, **extra})
    line = await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline), TIMEOUT * 2)
    if not line:
        raise RuntimeError(f"the test closed stdin while asked for {need}")
    return json.loads(line)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


intents = discord.Intents.default()
intents.message_content = True
intents.members = True
client = discord.Client(intents=intents)
seen = {}
resumed = asyncio.Event()
readies = []


@client.event
async def on_ready():
    readies.append(client.ws.session_id)


@client.event
async def on_message(message):
    seen[message.id] = seen.get(message.id, 0) + 1


@client.event
async def on_resumed():
    resumed.set()


async def wait_message(message_id):
    if message_id in seen:
        return
    await client.wait_for("message", check=lambda m: m.id == message_id, timeout=TIMEOUT)


async def scenario():
    await asyncio.wait_for(client.wait_until_ready(), TIMEOUT * 2)
    emit({"step": "ready"})

    # Caches: guild, channels, roles, members (chunked over op 8 at start-up with the members intent).
    guild = client.get_guild(GUILD_ID)
    check(guild is not None, "guild cached")
    check(not guild.unavailable, "guild available")
    check(guild.default_role.id == GUILD_ID, "@everyone has the guild id")
    check(guild.me is not None and guild.me.id == client.user.id, "guild.me")
    check(guild.get_member(OWNER_ID) is not None, "owner member cached")
    check(guild.owner_id == OWNER_ID, "owner_id")
    check(any(r.is_bot_managed() for r in guild.roles), "bot's managed role cached")
    channel = guild.get_channel(CHANNEL_ID)
    check(isinstance(channel, discord.TextChannel), "text channel cached")
    perms = channel.permissions_for(guild.me)
    check(perms.send_messages and perms.read_message_history, "bot permissions computed")
    emit({"step": "caches"})

    # Lookups over REST.
    me = await client.application_info()
    check(me.id is not None and me.owner.id == OWNER_ID, "application_info owner")
    fetched_guild = await client.fetch_guild(GUILD_ID)
    check(fetched_guild.id == GUILD_ID, "fetch_guild")
    fetched_channel = await client.fetch_channel(CHANNEL_ID)
    check(fetched_channel.id == CHANNEL_ID, "fetch_channel")
    member = await guild.fetch_member(OWNER_ID)
    check(member.id == OWNER_ID, "fetch_member")
    user = await client.fetch_user(OWNER_ID)
    check(user.id == OWNER_ID and not user.bot, "fetch_user")
    roles = await guild.fetch_roles()
    check(any(r.id == GUILD_ID for r in roles), "fetch_roles")
    channels = await guild.fetch_channels()
    check(any(c.id == CHANNEL_ID for c in channels), "fetch_channels")
    emit({"step": "lookups"})

    # A person's message arrives with its content.
    answer = await ask("person_message", content="hello from a person")
    incoming_id = int(answer["id"])
    await wait_message(incoming_id)
    incoming = await channel.fetch_message(incoming_id)
    check(incoming.content == "hello from a person", "content of a person's message")
    check(incoming.author.id == OWNER_ID, "author")
    check(isinstance(incoming.author, discord.Member), "author is a member")
    emit({"step": "receive"})

    # Send with an embed.
    embed = discord.Embed(title="Build #42", description="passed", color=0x2ECC71, url="https://example.com/42")
    embed.add_field(name="branch", value="main", inline=True)
    embed.set_footer(text="ci")
    sent = await channel.send("build report", embed=embed)
    check(sent.embeds and sent.embeds[0].title == "Build #42", "embed title echoed")
    check(sent.embeds[0].fields[0].value == "main", "embed field echoed")
    check(sent.embeds[0].color.value == 0x2ECC71, "embed color echoed")
    emit({"step": "send_embed"})

    # Reply, edit.
    reply = await incoming.reply("hi person")
    check(reply.type == discord.MessageType.reply, "reply type")
    check(reply.reference is not None and reply.reference.message_id == incoming_id, "reply reference")
    edited = await reply.edit(content="hi person (edited)")
    check(edited.content == "hi person (edited)" and edited.edited_at is not None, "edit")
    emit({"step": "reply_edit"})

    # React and unreact.
    await incoming.add_reaction("👍")
    again = await channel.fetch_message(incoming_id)
    check(len(again.reactions) == 1 and again.reactions[0].count == 1 and again.reactions[0].me, "reaction counted")
    users = [u.id async for u in again.reactions[0].users()]
    check(users == [client.user.id], "reaction users")
    await incoming.remove_reaction("👍", guild.me)
    again = await channel.fetch_message(incoming_id)
    check(again.reactions == [], "reaction removed")
    emit({"step": "react"})

    # History: newest first, before/after/around.
    latest = [m async for m in channel.history(limit=3)]
    check([m.id for m in latest] == [reply.id, sent.id, incoming_id], "history newest first")
    older = [m async for m in channel.history(limit=2, before=discord.Object(reply.id))]
    check([m.id for m in older] == [sent.id, incoming_id], "history before")
    newer = [m async for m in channel.history(limit=5, after=discord.Object(incoming_id))]
    check([m.id for m in newer] == [sent.id, reply.id], "history after (oldest first)")
    around = [m async for m in channel.history(limit=3, around=discord.Object(sent.id))]
    check(sorted(m.id for m in around) == sorted([incoming_id, sent.id, reply.id]), "history around")
    emit({"step": "history"})

    # Delete.
    await reply.delete()
    try:
        await channel.fetch_message(reply.id)
        raise AssertionError("deleted message still fetched")
    except discord.NotFound:
        pass
    emit({"step": "delete"})

    # Create a channel and edit it; the gateway's CHANNEL_CREATE/UPDATE fill the cache.
    created = await guild.create_text_channel("py-bots", topic="made by discord.py")
    check(created.name == "py-bots" and created.topic == "made by discord.py", "create_text_channel")
    await asyncio.wait_for(_until(lambda: guild.get_channel(created.id) is not None), TIMEOUT)
    changed = await created.edit(name="py-bots-2", topic="edited", slowmode_delay=5, nsfw=False)
    check(changed is not None and changed.name == "py-bots-2" and changed.topic == "edited", "channel edit")
    check(changed.slowmode_delay == 5, "slowmode")
    await asyncio.wait_for(_until(lambda: guild.get_channel(created.id).name == "py-bots-2"), TIMEOUT)
    emit({"step": "channels"})

    # A dropped connection: discord.py resumes and gets the message sent in the gap, once.
    resumed.clear()
    answer = await ask("drop_and_send", content="while disconnected")
    gap_id = int(answer["id"])
    await asyncio.wait_for(resumed.wait(), TIMEOUT * 2)
    await wait_message(gap_id)
    answer = await ask("person_message", content="after the resume")
    after_id = int(answer["id"])
    await wait_message(after_id)
    check(seen.get(gap_id) == 1 and seen.get(after_id) == 1, "each message once")
    check(all(n == 1 for n in seen.values()), "no duplicates")
    check(len(readies) == 1, "resumed, never identified again")
    emit({"step": "resume"})


async def _until(pred):
    while not pred():
        await asyncio.sleep(0.05)


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
