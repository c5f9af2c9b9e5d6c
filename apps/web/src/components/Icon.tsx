/** Inline SVG icons: no icon font or emoji, so they render the same without any fonts installed. */
const PATHS = {
  invite: 'M15 12a4 4 0 1 0-4-4 4 4 0 0 0 4 4Zm0 2c-3 0-8 1.5-8 4.5V21h16v-2.5c0-3-5-4.5-8-4.5ZM6 10V7H4v3H1v2h3v3h2v-3h3v-2Z',
  folder: 'M3 5h7l2 2h9v12H3Z',
  shield: 'M12 2 4 5v6c0 5 3.4 9.7 8 11 4.6-1.3 8-6 8-11V5Zm0 4a2 2 0 1 1-2 2 2 2 0 0 1 2-2Zm0 12c-1.7-.6-3-2.2-3.5-4h7c-.5 1.8-1.8 3.4-3.5 4Z',
  speaker: 'M4 9v6h4l5 4V5L8 9Zm12.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4Z',
  edit: 'M4 17.3V20h2.7l8-8-2.7-2.7ZM18.7 8a.7.7 0 0 0 0-1l-1.7-1.7a.7.7 0 0 0-1 0l-1.3 1.3 2.7 2.7Z',
  trash: 'M7 7h10l-1 13H8Zm2-3h6l1 2h4v1H4V6h4Z',
  send: 'M3 20 21 12 3 4v6l12 2-12 2Z',
  sun: 'M12 7a5 5 0 1 0 5 5 5 5 0 0 0-5-5Zm-1-6h2v3h-2Zm0 19h2v3h-2ZM1 11h3v2H1Zm19 0h3v2h-3Z',
  moon: 'M12 3a9 9 0 1 0 9 9 7 7 0 0 1-9-9Z',
  logout: 'M10 17v-3H3v-4h7V7l5 5Zm9-14H12v2h7v14h-7v2h7a2 2 0 0 0 2-2V5a2 2 0 0 0-2-2Z',
  plus: 'M11 5h2v6h6v2h-6v6h-2v-6H5v-2h6Z',
  reply: 'M10 9V5l-7 7 7 7v-4.1c5 0 8.5 1.6 11 5.1-1-5-4-10-11-11Z',
  smile: 'M12 2a10 10 0 1 0 10 10A10 10 0 0 0 12 2Zm0 18a8 8 0 1 1 8-8 8 8 0 0 1-8 8Zm-3.5-9A1.5 1.5 0 1 0 7 9.5 1.5 1.5 0 0 0 8.5 11Zm7 0A1.5 1.5 0 1 0 14 9.5a1.5 1.5 0 0 0 1.5 1.5ZM12 17.5a5.5 5.5 0 0 0 5.1-3.5H6.9a5.5 5.5 0 0 0 5.1 3.5Z',
  pin: 'M16 3v2h-1v5l3 3v2h-5v6l-1 1-1-1v-6H6v-2l3-3V5H8V3Z',
  menu: 'M3 6h18v2H3Zm0 5h18v2H3Zm0 5h18v2H3Z',
  members: 'M9 12a4 4 0 1 0-4-4 4 4 0 0 0 4 4Zm0 2c-2.7 0-8 1.3-8 4v2h16v-2c0-2.7-5.3-4-8-4Zm7.5-2.1A3.5 3.5 0 1 0 15 5.1a5.9 5.9 0 0 1 0 6.8ZM19 14.3A4.9 4.9 0 0 1 21 18v2h2v-2c0-1.8-2-3.1-4-3.7Z',
  close: 'M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12 19 6.4 17.6 5 12 10.6Z',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 18 }: { name: IconName; size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="currentColor">
      <path d={PATHS[name]} />
    </svg>
  );
}
