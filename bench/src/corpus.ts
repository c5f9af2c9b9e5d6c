/** The search benchmarks' corpus: lines in several scripts; each message takes one, with a running number so none is the same. */
export const LINES = [
  'the deployment pipeline failed again on the staging cluster',
  'Grüße aus München, die Straße ist wegen Bauarbeiten gesperrt',
  '我们明天下午三点在会议室讨论新的发布计划',
  '明日の会議は午後三時から始まります、資料を準備してください',
  '내일 오후 세 시에 회의실에서 새 출시 계획을 논의합니다',
  'سنناقش خطة الإصدار الجديدة غدا في قاعة الاجتماعات',
  'call parseSearchQuery() before buildFtsLiteral in search_port.ts',
  'lunch? 🍕 or 🍣 today, the usual place',
];

/** One message in this many carries the rare word. */
export const RARE_EVERY = 10_000;

export const lineAt = (i: number) => `${LINES[i % LINES.length]} #${i}${i % RARE_EVERY === 0 ? ' zephyrine' : ''}`;

const EPOCH = 1420070400000n;

/** Snowflakes one millisecond apart, ending a day ago, so every message is in the past. */
export function idsFor(count: number): (i: number) => bigint {
  const first = BigInt(Date.now() - 86_400_000 - count);
  return (i) => ((first + BigInt(i) - EPOCH) << 22n) | (31n << 17n) | (31n << 12n);
}
