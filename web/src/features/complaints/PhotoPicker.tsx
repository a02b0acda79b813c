import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react'
import { Field } from '../../ui/form'

export interface Photo {
  file: File
  /** A blob: URL for the preview, revoked when the photo is replaced, cleared or the form goes away. */
  url: string
}

/** The chosen photo and how to change it; its preview URL lives exactly as long as it is shown. */
export function usePhoto(): [Photo | null, (file: File | null) => void] {
  const [photo, setPhoto] = useState<Photo | null>(null)
  const current = useRef<Photo | null>(null)
  const choose = useCallback((file: File | null) => {
    if (current.current) URL.revokeObjectURL(current.current.url)
    const next = file ? { file, url: URL.createObjectURL(file) } : null
    current.current = next
    setPhoto(next)
  }, [])
  useEffect(
    () => () => {
      if (current.current) URL.revokeObjectURL(current.current.url)
      current.current = null
    },
    [],
  )
  return [photo, choose]
}

/**
 * The photo of a complaint: a file picker that opens the camera on a phone, or a file dropped on
 * the area; the API checks what the file is and says so beside the field.
 */
export function PhotoPicker({
  photo,
  onChoose,
  error,
}: {
  photo: Photo | null
  onChoose: (file: File | null) => void
  error: unknown
}) {
  const [dragging, setDragging] = useState(false)
  // A file input cannot be emptied by its value: removing the photo gives the form a fresh one.
  const [resets, setResets] = useState(0)
  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault()
    setDragging(false)
    const file = event.dataTransfer.files[0]
    if (file) onChoose(file)
  }
  return (
    <div
      className={dragging ? 'photo-drop dragging' : 'photo-drop'}
      onDragOver={(event) => {
        event.preventDefault()
        setDragging(true)
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <Field
        label="Photo"
        name="photo"
        error={error}
        hint="JPEG, PNG or WebP. Take one with the camera, choose a file, or drop it here."
      >
        {(props) => (
          <input
            {...props}
            key={resets}
            type="file"
            accept="image/jpeg,image/png,image/webp"
            capture="environment"
            onChange={(event) => onChoose(event.target.files?.[0] ?? null)}
          />
        )}
      </Field>
      {photo ? (
        <figure className="photo-preview">
          <img src={photo.url} alt={`Preview of ${photo.file.name}`} />
          <figcaption>
            {photo.file.name}{' '}
            <button
              type="button"
              onClick={() => {
                onChoose(null)
                setResets((count) => count + 1)
              }}
            >
              Remove photo
            </button>
          </figcaption>
        </figure>
      ) : null}
    </div>
  )
}
