import { useId, useRef, useState } from 'react'

/** Reject with a reason: a dialog with a labelled text area; the reason is told to the complainer. */
export function RejectButton({
  title,
  disabled,
  onReject,
}: {
  title: string
  disabled?: boolean
  onReject: (reason: string) => void
}) {
  const dialog = useRef<HTMLDialogElement>(null)
  const id = useId()
  const [reason, setReason] = useState('')
  return (
    <>
      <button
        type="button"
        className="danger"
        disabled={disabled}
        onClick={() => dialog.current?.showModal()}
      >
        Reject
      </button>
      <dialog ref={dialog} aria-labelledby={`${id}-title`}>
        <form
          onSubmit={(event) => {
            event.preventDefault()
            dialog.current?.close()
            onReject(reason)
          }}
        >
          <h2 id={`${id}-title`}>Reject “{title}”?</h2>
          <p>The refund is cancelled and the complainer is told by email.</p>
          <div className="field">
            <label htmlFor={`${id}-reason`}>Reason, told to the complainer</label>
            <textarea
              id={`${id}-reason`}
              name="reason"
              rows={4}
              maxLength={1000}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
            />
          </div>
          <div className="dialog-actions">
            <button type="button" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
            <button type="submit" className="danger">
              Reject complaint
            </button>
          </div>
        </form>
      </dialog>
    </>
  )
}
