/** The form a bot asked for (INTERACTION_MODAL_CREATE): its text inputs, submitted as a modal interaction. */
import { useState, type FormEvent } from 'react';
import { ComponentTypes } from '@concord/protocol';
import { FormFooter, Modal } from '../../components/Modal';
import { closeModal, submitModal, useCommands } from './state';

export function InteractionModal() {
  const modal = useCommands((s) => s.modal);
  const [values, setValues] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!modal) return null;
  const inputs = modal.components.flatMap((r) => r.components).filter((c) => c.type === ComponentTypes.TEXT_INPUT);
  const valueOf = (id: string, initial?: string | null) => values[id] ?? initial ?? '';

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!modal) return;
    const all = Object.fromEntries(inputs.map((c) => [c.custom_id, valueOf(c.custom_id, c.value)]));
    setBusy(true);
    setError(null);
    const ok = await submitModal(modal, all);
    setBusy(false);
    if (ok) setValues({});
    else setError('Could not send the form.');
  }

  return (
    <Modal title={modal.title} onClose={closeModal}>
      <form className="interaction-modal" onSubmit={(e) => void onSubmit(e)} data-testid="interaction-modal">
        <p className="muted small">{modal.application.name}</p>
        {inputs.map((c) => {
          const common = {
            id: `modal-${c.custom_id}`,
            value: valueOf(c.custom_id, c.value),
            placeholder: c.placeholder ?? undefined,
            required: c.required ?? true,
            minLength: c.min_length ?? undefined,
            maxLength: c.max_length ?? 4000,
            onChange: (ev: { target: { value: string } }) => setValues((v) => ({ ...v, [c.custom_id]: ev.target.value })),
          };
          return (
            <label key={c.custom_id} htmlFor={common.id}>
              <span className="field-label">
                {c.label}
                {(c.required ?? true) && <span className="required"> *</span>}
              </span>
              {c.style === 2 ? <textarea rows={4} {...common} /> : <input type="text" {...common} />}
            </label>
          );
        })}
        <FormFooter error={error} busy={busy} onCancel={closeModal} submitLabel="Submit" />
      </form>
    </Modal>
  );
}
