/**
 * Keeps the app inside the part of the window the on-screen keyboard leaves visible.
 *
 * Chrome on Android honours `interactive-widget=resizes-content` (index.html): the keyboard shrinks the layout
 * viewport and `100dvh` follows. Browsers that only overlay the keyboard (Safari on iOS, older Chrome) shrink the
 * visual viewport instead, and may scroll it: there the phone layout takes its height and top from
 * `visualViewport` (`--vv-height`, `--vv-top`), so the composer sits right above the keyboard, never under it.
 */
export function trackVisualViewport(win: Window = window): () => void {
  const vv = win.visualViewport;
  if (!vv) return () => undefined;
  const root = win.document.documentElement;
  let frame = 0;
  const apply = () => {
    frame = 0;
    // Pinch zoom also shrinks the visual viewport; only a keyboard (scale 1) should squeeze the layout.
    if (Math.abs(vv.scale - 1) > 0.01) return;
    root.style.setProperty('--vv-height', `${Math.round(vv.height)}px`);
    root.style.setProperty('--vv-top', `${Math.round(vv.offsetTop)}px`);
    root.dataset.keyboard = win.innerHeight - vv.height > 120 ? 'open' : 'closed';
  };
  const schedule = () => {
    if (!frame) frame = win.requestAnimationFrame(apply);
  };
  apply();
  vv.addEventListener('resize', schedule);
  vv.addEventListener('scroll', schedule);
  return () => {
    vv.removeEventListener('resize', schedule);
    vv.removeEventListener('scroll', schedule);
    if (frame) win.cancelAnimationFrame(frame);
  };
}
