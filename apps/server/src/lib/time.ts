export const iso = (ms: number | null | undefined): string | null => (ms == null ? null : new Date(ms).toISOString());
export const isoNow = (): string => new Date().toISOString();
