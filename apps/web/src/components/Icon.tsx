/** Inline SVG icons: no icon font or emoji, so they render the same without any fonts installed. */
const PATHS = {
  invite: 'M15 12a4 4 0 1 0-4-4 4 4 0 0 0 4 4Zm0 2c-3 0-8 1.5-8 4.5V21h16v-2.5c0-3-5-4.5-8-4.5ZM6 10V7H4v3H1v2h3v3h2v-3h3v-2Z',
  folder: 'M3 5h7l2 2h9v12H3Z',
  speaker: 'M4 9v6h4l5 4V5L8 9Zm12.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4Z',
  edit: 'M4 17.3V20h2.7l8-8-2.7-2.7ZM18.7 8a.7.7 0 0 0 0-1l-1.7-1.7a.7.7 0 0 0-1 0l-1.3 1.3 2.7 2.7Z',
  trash: 'M7 7h10l-1 13H8Zm2-3h6l1 2h4v1H4V6h4Z',
  send: 'M3 20 21 12 3 4v6l12 2-12 2Z',
  sun: 'M12 7a5 5 0 1 0 5 5 5 5 0 0 0-5-5Zm-1-6h2v3h-2Zm0 19h2v3h-2ZM1 11h3v2H1Zm19 0h3v2h-3Z',
  moon: 'M12 3a9 9 0 1 0 9 9 7 7 0 0 1-9-9Z',
  logout: 'M10 17v-3H3v-4h7V7l5 5Zm9-14H12v2h7v14h-7v2h7a2 2 0 0 0 2-2V5a2 2 0 0 0-2-2Z',
  plus: 'M11 5h2v6h6v2h-6v6h-2v-6H5v-2h6Z',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 18 }: { name: IconName; size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="currentColor">
      <path d={PATHS[name]} />
    </svg>
  );
}
