import { useId, useState } from 'react'
import { FormErrors, onSubmit } from '../../ui/form'
import { Notice } from '../../ui/states'
import { useUploadPicture, type Picture } from './hotel-queries'

/**
 * A hotel's or a room type's pictures: upload one (the API answers at once and makes the 1000, 500
 * and 200 pixel copies in the background); each shows once its copies are ready.
 */
export function Pictures({
  owner,
  id,
  name,
  images,
}: {
  owner: 'hotel' | 'room'
  id: number
  name: string
  images: Picture[]
}) {
  const fieldId = useId()
  const [file, setFile] = useState<File | null>(null)
  // A new key empties the file input once its picture is uploaded.
  const [inputKey, setInputKey] = useState(0)
  const upload = useUploadPicture(owner, id)
  const submit = () => {
    if (!file) return
    upload.mutate(file, {
      onSuccess: () => {
        setFile(null)
        setInputKey((key) => key + 1)
      },
    })
  }
  return (
    <div className="pictures">
      <ul className="images" aria-label={`Pictures of ${name}`}>
        {images.map((image) => (
          <li key={image.id}>
            <PictureItem image={image} name={name} />
          </li>
        ))}
      </ul>
      <form className="inline-actions" onSubmit={onSubmit(submit)} noValidate>
        <div className="field">
          <label htmlFor={fieldId}>Picture of {name}</label>
          <input
            key={inputKey}
            id={fieldId}
            name="image"
            type="file"
            accept="image/jpeg,image/png,image/webp"
            aria-describedby={`${fieldId}-hint`}
            onChange={(event) => setFile(event.target.files?.[0] ?? null)}
          />
          <p id={`${fieldId}-hint`} className="hint">
            JPEG, PNG or WebP.
          </p>
        </div>
        <button type="submit" disabled={!file || upload.isPending}>
          {upload.isPending ? 'Uploading…' : 'Upload picture'}
        </button>
      </form>
      <FormErrors error={upload.error} fields={[]} />
      {upload.isSuccess ? <Notice>Uploaded; the picture shows here once its sizes are made.</Notice> : null}
    </div>
  )
}

function PictureItem({ image, name }: { image: Picture; name: string }) {
  if (image.status === 'pending') return <p className="muted small">Preparing a picture…</p>
  const small = image.variants.find((variant) => variant.size === 200) ?? image.variants[0]
  if (image.status !== 'ready' || !small)
    return <p className="muted small">This picture could not be prepared.</p>
  const large = image.variants.find((variant) => variant.size === 1000) ?? small
  return (
    <a href={large.url} target="_blank" rel="noreferrer">
      <img src={small.url} width={small.width} height={small.height} alt={`Picture of ${name}`} />
    </a>
  )
}
