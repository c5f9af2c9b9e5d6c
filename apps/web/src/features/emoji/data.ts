/**
 * The unicode emoji offered by the picker and `:shortcode:` conversion: Discord's names for the most used ones.
 * Any other emoji typed or pasted as text works anyway; this list is only what can be searched by name.
 */
export interface Emoji {
  char: string;
  /** Discord's shortcodes, the first being the main one. */
  names: string[];
}

const RAW = `😀 grinning|😃 smiley|😄 smile|😁 grin|😆 laughing satisfied|😅 sweat_smile|🤣 rofl rolling_on_the_floor_laughing|😂 joy|🙂 slight_smile slightly_smiling_face|🙃 upside_down|😉 wink|😊 blush|😇 innocent|🥰 smiling_face_with_hearts|😍 heart_eyes|🤩 star_struck|😘 kissing_heart|😋 yum|😛 stuck_out_tongue|😜 stuck_out_tongue_winking_eye|🤪 zany_face|🤑 money_mouth|🤗 hugging hug|🤭 hand_over_mouth|🤫 shushing_face|🤔 thinking|🤐 zipper_mouth|🤨 face_with_raised_eyebrow|😐 neutral_face|😑 expressionless|😶 no_mouth|😏 smirk|😒 unamused|🙄 rolling_eyes|😬 grimacing|😌 relieved|😔 pensive|😪 sleepy|🤤 drooling_face|😴 sleeping|😷 mask|🤒 thermometer_face|🤕 head_bandage|🤢 nauseated_face|🤮 face_vomiting|🥵 hot_face|🥶 cold_face|🥴 woozy_face|😵 dizzy_face|🤯 exploding_head|🤠 cowboy|🥳 partying_face|😎 sunglasses|🤓 nerd|🧐 face_with_monocle|😕 confused|😟 worried|🙁 slight_frown|😮 open_mouth|😯 hushed|😲 astonished|😳 flushed|🥺 pleading_face|😦 frowning|😧 anguished|😨 fearful|😰 cold_sweat|😥 disappointed_relieved|😢 cry|😭 sob|😱 scream|😖 confounded|😣 persevere|😞 disappointed|😓 sweat|😩 weary|😫 tired_face|🥱 yawning_face|😤 triumph|😡 rage|😠 angry|🤬 face_with_symbols_over_mouth|😈 smiling_imp|👿 imp|💀 skull|💩 poop|🤡 clown|👻 ghost|👽 alien|🤖 robot|😺 smiley_cat|😹 joy_cat|😻 heart_eyes_cat|🙈 see_no_evil|🙉 hear_no_evil|🙊 speak_no_evil|💋 kiss|💯 100|💢 anger|💥 boom|💫 dizzy|💦 sweat_drops|💨 dash|💬 speech_balloon|💤 zzz|👋 wave|🤚 raised_back_of_hand|✋ raised_hand|🖖 vulcan|👌 ok_hand|🤌 pinched_fingers|✌️ v|🤞 fingers_crossed|🤟 love_you_gesture|🤘 metal|🤙 call_me|👈 point_left|👉 point_right|👆 point_up_2|👇 point_down|☝️ point_up|👍 thumbsup +1 thumbs_up|👎 thumbsdown -1 thumbs_down|✊ fist|👊 punch|👏 clap|🙌 raised_hands|👐 open_hands|🤝 handshake|🙏 pray|✍️ writing_hand|💪 muscle|🧠 brain|👀 eyes|👁️ eye|👅 tongue|❤️ heart|🧡 orange_heart|💛 yellow_heart|💚 green_heart|💙 blue_heart|💜 purple_heart|🖤 black_heart|🤍 white_heart|💔 broken_heart|❣️ heart_exclamation|💕 two_hearts|💖 sparkling_heart|💗 heartpulse|💘 cupid|🔥 fire|✨ sparkles|⭐ star|🌟 star2|⚡ zap|☀️ sunny|🌈 rainbow|☁️ cloud|❄️ snowflake|🌊 ocean|🍎 apple|🍕 pizza|🍔 hamburger|🍟 fries|🌮 taco|🍣 sushi|🍩 doughnut|🍪 cookie|🎂 birthday|🍰 cake|☕ coffee|🍵 tea|🍺 beer|🍻 beers|🍷 wine_glass|🥂 champagne_glass|🎉 tada|🎊 confetti_ball|🎈 balloon|🎁 gift|🏆 trophy|🥇 first_place|⚽ soccer|🏀 basketball|🎮 video_game|🎲 game_die|🎵 musical_note|🎶 notes|🎧 headphones|📷 camera|💻 computer|⌨️ keyboard|📱 mobile_phone iphone|💡 bulb|📌 pushpin|📎 paperclip|🔒 lock|🔑 key|🔨 hammer|🛠️ tools|⚙️ gear|🧪 test_tube|📈 chart_with_upwards_trend|📉 chart_with_downwards_trend|📅 date|⏰ alarm_clock|⌛ hourglass|🚀 rocket|✈️ airplane|🚗 red_car|🏠 house|🌍 earth_africa|🐶 dog|🐱 cat|🐭 mouse|🦊 fox|🐻 bear|🐼 panda_face|🐸 frog|🐵 monkey_face|🐔 chicken|🐧 penguin|🐢 turtle|🐍 snake|🦄 unicorn|🐝 bee|🦋 butterfly|🌸 cherry_blossom|🌹 rose|🌻 sunflower|🌲 evergreen_tree|🍀 four_leaf_clover|✅ white_check_mark|☑️ ballot_box_with_check|✔️ heavy_check_mark|❌ x|❎ negative_squared_cross_mark|➕ heavy_plus_sign|➖ heavy_minus_sign|❓ question|❗ exclamation|⚠️ warning|🚫 no_entry_sign|⛔ no_entry|🆗 ok|🆕 new|🔴 red_circle|🟢 green_circle|🔵 blue_circle|⚪ white_circle|⚫ black_circle|➡️ arrow_right|⬅️ arrow_left|⬆️ arrow_up|⬇️ arrow_down|🔁 repeat|🔄 arrows_counterclockwise|👑 crown|💎 gem|💰 moneybag|📢 loudspeaker|🔔 bell|🔕 no_bell|🏳️ white_flag|🏁 checkered_flag|🇺🇸 flag_us|🇬🇧 flag_gb|🇫🇷 flag_fr|🇩🇪 flag_de|🇯🇵 flag_jp`;

export const EMOJI: Emoji[] = RAW.split('|').map((entry) => {
  const [char, ...names] = entry.trim().split(' ');
  return { char: char!, names };
});

const byName = new Map<string, string>();
for (const e of EMOJI) for (const n of e.names) byName.set(n, e.char);

export const emojiByName = (name: string): string | undefined => byName.get(name);

const byChar = new Map(EMOJI.map((e) => [e.char, e.names[0]!]));
/** The main shortcode of an emoji character (`👍` -> `thumbsup`), if the list knows it. */
export const emojiByChar = (char: string): string | undefined => byChar.get(char);

/** Emoji whose names start with (then contain) the query, best first. */
export function searchEmoji(query: string, limit = 48): Emoji[] {
  const q = query.trim().toLowerCase().replace(/^:|:$/g, '');
  if (!q) return EMOJI.slice(0, limit);
  const starts = EMOJI.filter((e) => e.names.some((n) => n.startsWith(q)));
  const contains = EMOJI.filter((e) => !starts.includes(e) && e.names.some((n) => n.includes(q)));
  return [...starts, ...contains].slice(0, limit);
}

/**
 * `:name:` replaced by its emoji on send, as Discord's client does; code spans and blocks are left alone,
 * and unknown names stay as typed.
 */
export function replaceShortcodes(text: string, custom: readonly { id: string; name: string; animated: boolean }[] = []): string {
  // The guild's own emoji win over unicode names, as on Discord; `<:name:id>` already written is left alone.
  const own = new Map(custom.map((e) => [e.name, `<${e.animated ? 'a' : ''}:${e.name}:${e.id}>`]));
  return text
    .split(/(```[\s\S]*?```|`[^`]*`|<a?:\w{2,32}:\d{1,20}>)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/:([A-Za-z0-9_+-]{1,32}):/g, (m, name: string) => own.get(name) ?? byName.get(name) ?? m)))
    .join('');
}
