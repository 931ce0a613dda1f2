import { useRef, useState } from 'preact/hooks';

/** The simulator takes files as base64 inside a JSON body; a small file is all a demo needs. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

export interface ComposerProps {
  /** The textbox's accessible name and placeholder, e.g. "Message #megatron-help". */
  label: string;
  /** Why this person cannot write here (archived, not a member); the composer is then disabled and says so. */
  disabledReason?: string;
  /** Resolves true when the text was sent (the box is then emptied). */
  onSend(text: string): Promise<boolean>;
  onFile(file: File, comment: string): Promise<boolean>;
}

/** Enter sends, Shift+Enter starts a new line; `/command text` runs a slash command. */
export function Composer({ label, disabledReason, onSend, onFile }: ComposerProps) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const disabled = disabledReason !== undefined;

  const send = async (): Promise<void> => {
    if (busy || disabled || text.trim() === '') return;
    setBusy(true);
    const sent = await onSend(text);
    setBusy(false);
    if (sent) setText('');
  };

  const share = async (file: File): Promise<void> => {
    setBusy(true);
    const shared = await onFile(file, text);
    setBusy(false);
    if (shared) setText('');
  };

  return (
    <form class={`composer ${disabled ? 'disabled' : ''}`} onSubmit={(event) => { event.preventDefault(); void send(); }}>
      {disabled && <div class="composer-note">{disabledReason}</div>}
      <div class="composer-box">
        <textarea
          aria-label={label}
          placeholder={disabled ? '' : label}
          value={text}
          rows={1}
          disabled={disabled}
          onInput={(event) => setText((event.currentTarget as HTMLTextAreaElement).value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              void send();
            }
          }}
        />
        <input ref={picker} type="file" hidden aria-hidden="true" tabIndex={-1}
          onChange={(event) => {
            const input = event.currentTarget as HTMLInputElement;
            const file = input.files?.[0];
            input.value = '';
            if (file) void share(file);
          }} />
        <button type="button" class="composer-attach" aria-label="Attach a file" title="Share a file (up to 5 MB)" disabled={disabled || busy}
          onClick={() => picker.current?.click()}>📎</button>
        <button type="submit" class="composer-send" aria-label="Send" disabled={disabled || busy || text.trim() === ''}>➤</button>
      </div>
    </form>
  );
}
