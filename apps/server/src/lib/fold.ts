/**
 * Text folded as the SQLite search index folds it (FTS5 trigram with remove_diacritics): lower case, Latin
 * diacritics removed. Other scripts keep their marks (NFD then NFC again, so Hangul and kana come back whole).
 * Registered on SQLite connections as `concord_fold(text)`, the name PostgreSQL's search migration gives its own.
 */
export function foldText(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').normalize('NFC').toLowerCase();
}
