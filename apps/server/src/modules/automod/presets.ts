/**
 * The word lists behind Discord's keyword presets (1 profanity, 2 sexual content, 3 slurs), in the keyword
 * syntax of the engine. They are deliberately short: common terms that moderators expect to be caught; a
 * community adds its own words with a keyword rule, and allow lists carve exceptions out of a preset.
 */
export const PRESET_WORDS: Record<number, readonly string[]> = {
  1: ['fuck*', '*fucker', 'motherf*', 'shit', 'shitty', 'bullshit', 'bitch*', 'asshole*', 'bastard*', 'cunt*', 'dickhead*', 'bollocks', 'wanker*', 'twat*', 'piss off', 'goddamn*'],
  2: ['porn*', 'nudes', 'blowjob*', 'handjob*', 'hentai', 'xxx', 'nsfw pics', 'send nudes', 'sexting', 'camgirl*', 'onlyfans'],
  3: ['fag', 'faggot*', 'retard', 'retarded', 'tranny', 'trannies', 'kike*', 'chink*', 'spic', 'spics', 'wetback*', 'raghead*', 'towelhead*', 'gook*', 'coon', 'coons', 'nigger*', 'nigga*'],
};
