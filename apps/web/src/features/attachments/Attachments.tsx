/** Files in the composer (a tray with progress) and in messages (images inline, a lightbox, players, file cards). */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { thumbHashToDataURL } from 'thumbhash';
import { createPortal } from 'react-dom';
import type { Attachment } from '@concord/protocol';
import { Icon } from '../../components/Icon';
import { cancelFile, describeFile, formatSize, sameOrigin, toggleSpoiler, useUploads } from './uploads';
import './attachments.css';

const NO_FILES: [] = [];

export function UploadTray({ channelId }: { channelId: string }) {
  const files = useUploads((s) => s.byChannel[channelId] ?? NO_FILES);
  if (files.length === 0) return null;
  return (
    <ul className="upload-tray" aria-label="Files to send" data-testid="upload-tray">
      {files.map((f) => (
        <li key={f.key} className={`upload-card ${f.status}`} data-testid="upload" data-status={f.status}>
          <div className={`upload-thumb${f.spoiler ? ' spoiler' : ''}`}>
            {f.preview ? <img src={f.preview} alt="" /> : <Icon name="file" size={32} />}
          </div>
          <span className="upload-name" title={f.name}>
            {f.name}
          </span>
          <span className="upload-meta muted small">{f.status === 'failed' ? (f.error ?? 'Failed') : formatSize(f.size)}</span>
          <input
            className="upload-alt"
            placeholder="Add a description"
            aria-label={`Description of ${f.name}`}
            maxLength={1024}
            value={f.description ?? ''}
            onChange={(e) => describeFile(channelId, f.key, e.target.value)}
          />
          <progress className="upload-progress" max={1} value={f.progress} aria-label={`Uploading ${f.name}`} hidden={f.status !== 'uploading'} />
          <span className="upload-actions">
            <button
              type="button"
              className={`icon-button${f.spoiler ? ' on' : ''}`}
              aria-pressed={f.spoiler}
              aria-label={`Mark ${f.name} as spoiler`}
              title="Spoiler"
              onClick={() => toggleSpoiler(channelId, f.key)}
            >
              <Icon name="eye" size={16} />
            </button>
            <button type="button" className="icon-button danger" aria-label={`Remove ${f.name}`} title="Remove" onClick={() => cancelFile(channelId, f.key)}>
              <Icon name="trash" size={16} />
            </button>
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Fits an image in the box Discord uses (400 x 300 here), keeping its ratio and never enlarging it. */
function fit(w: number, h: number, maxW = 400, maxH = 300) {
  const scale = Math.min(1, maxW / w, maxH / h);
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

const isImage = (a: Attachment) => a.content_type?.startsWith('image/') && a.width && a.height;

function Lightbox({ a, onClose }: { a: Attachment; onClose: () => void }) {
  const [zoom, setZoom] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  // On the body: a message row's ancestors may contain fixed elements (transforms, scroll containers).
  return createPortal(
    <div className="lightbox" role="dialog" aria-modal="true" aria-label={a.filename} data-testid="lightbox" onClick={onClose}>
      <img
        src={sameOrigin(a.url)}
        alt={a.description ?? a.filename}
        className={zoom ? 'zoomed' : ''}
        onClick={(e) => {
          e.stopPropagation();
          setZoom((z) => !z);
        }}
      />
      <div className="lightbox-bar" onClick={(e) => e.stopPropagation()}>
        <a href={sameOrigin(a.url)} target="_blank" rel="noreferrer">
          Open original
        </a>
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
          <Icon name="close" />
        </button>
      </div>
    </div>,
    document.body,
  );
}

function Spoiler({ children }: { children: ReactNode }) {
  const [shown, setShown] = useState(false);
  if (shown) return <>{children}</>;
  return (
    <button type="button" className="spoiler-cover" onClick={() => setShown(true)} aria-label="Show spoiler">
      <span className="spoiler-blur" aria-hidden="true">
        {children}
      </span>
      <span className="spoiler-label">SPOILER</span>
    </button>
  );
}

function ImageAttachment({ a }: { a: Attachment }) {
  const [open, setOpen] = useState(false);
  const box = fit(a.width!, a.height!);
  const dpr = typeof window === 'undefined' ? 1 : Math.min(2, window.devicePixelRatio || 1);
  // Its ThumbHash, blurred colours in the reserved box until the image arrives.
  const placeholder = useMemo(() => {
    if (!a.placeholder || a.placeholder_version !== 1) return undefined;
    try {
      return thumbHashToDataURL(Uint8Array.from(atob(a.placeholder), (c) => c.charCodeAt(0)));
    } catch {
      return undefined;
    }
  }, [a.placeholder, a.placeholder_version]);
  // A preview the size it is shown at (the server keeps it once made); GIFs play from the original.
  const src = a.content_type === 'image/gif' ? sameOrigin(a.url) : `${sameOrigin(a.url)}width=${Math.round(box.width * dpr)}&height=${Math.round(box.height * dpr)}&format=webp`;
  return (
    <>
      <button
        type="button"
        className="attachment-image"
        style={{ aspectRatio: `${box.width} / ${box.height}`, width: box.width, ...(placeholder ? { backgroundImage: `url(${placeholder})`, backgroundSize: 'cover' } : {}) }}
        onClick={() => setOpen(true)}
        aria-label={`Open ${a.filename}`}
        data-placeholder={placeholder ? true : undefined}
      >
        <img src={src} width={box.width} height={box.height} alt={a.description ?? a.filename} loading="lazy" data-testid="attachment-image" />
      </button>
      {open && <Lightbox a={a} onClose={() => setOpen(false)} />}
    </>
  );
}

function FileCard({ a }: { a: Attachment }) {
  return (
    <div className="file-card" data-testid="attachment-file">
      <Icon name="file" size={32} />
      <span className="file-card-text">
        <a href={sameOrigin(a.url)} download={a.filename} className="file-card-name">
          {a.filename}
        </a>
        <span className="muted small">{formatSize(a.size)}</span>
      </span>
      <a href={sameOrigin(a.url)} download={a.filename} className="icon-button" aria-label={`Download ${a.filename}`} title="Download">
        <Icon name="download" />
      </a>
    </div>
  );
}

function One({ a }: { a: Attachment }) {
  const type = a.content_type ?? '';
  const body = isImage(a) ? (
    <ImageAttachment a={a} />
  ) : type.startsWith('video/') ? (
    <video className="attachment-video" src={sameOrigin(a.url)} controls preload="metadata" />
  ) : type.startsWith('audio/') ? (
    <div className="file-card audio">
      <span className="file-card-text">
        <span className="file-card-name">{a.filename}</span>
        <audio src={sameOrigin(a.url)} controls preload="none" />
      </span>
    </div>
  ) : (
    <FileCard a={a} />
  );
  return a.filename.startsWith('SPOILER_') ? <Spoiler>{body}</Spoiler> : body;
}

export function MessageAttachments({ attachments }: { attachments: readonly Attachment[] }) {
  if (attachments.length === 0) return null;
  return (
    <div className="attachments" data-testid="attachments">
      {attachments.map((a) => (
        <One key={a.id} a={a} />
      ))}
    </div>
  );
}
