/** The WebSocket URL clients should use: the public URL, or the host they reached us by. */
export function gatewayUrl(baseUrl: string): string {
  return `${baseUrl.replace(/^http/, 'ws')}/gateway`;
}
