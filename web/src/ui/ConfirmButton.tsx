import { useId, useRef, type ReactNode } from 'react'

/**
 * A button for an action that moves money or cannot be undone: it opens a dialog that says what
 * will happen, and the action runs only on "Confirm".
 */
export function ConfirmButton({
  children,
  title,
  message,
  confirmLabel = 'Confirm',
  onConfirm,
  disabled,
  danger,
}: {
  children: ReactNode
  title: string
  message: ReactNode
  confirmLabel?: string
  onConfirm: () => void
  disabled?: boolean
  danger?: boolean
}) {
  const dialog = useRef<HTMLDialogElement>(null)
  const id = useId()
  return (
    <>
      <button
        type="button"
        className={danger ? 'danger' : undefined}
        disabled={disabled}
        onClick={() => dialog.current?.showModal()}
      >
        {children}
      </button>
      <dialog ref={dialog} aria-labelledby={`${id}-title`} aria-describedby={`${id}-message`}>
        <h2 id={`${id}-title`}>{title}</h2>
        <div id={`${id}-message`}>{message}</div>
        <div className="dialog-actions">
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button
            type="button"
            className={danger ? 'danger' : 'primary'}
            onClick={() => {
              dialog.current?.close()
              onConfirm()
            }}
          >
            {confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  )
}
