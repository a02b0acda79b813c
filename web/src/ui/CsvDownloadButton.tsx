import { useMutation } from '@tanstack/react-query'
import { ErrorNotice } from './states'
import './CsvDownloadButton.css'

/**
 * "Download CSV" for an export that needs the signed-in user's token: a plain link cannot carry the
 * Authorization header, so the file is fetched through the API client and saved from a blob URL.
 */
export function CsvDownloadButton({
  fetchCsv,
  filename,
  label = 'Download CSV',
}: {
  fetchCsv: () => Promise<Blob>
  filename: string
  label?: string
}) {
  const download = useMutation({
    mutationFn: fetchCsv,
    onSuccess: (blob) => {
      const url = URL.createObjectURL(blob)
      const link = document.createElement('a')
      link.href = url
      link.download = filename
      document.body.append(link)
      link.click()
      link.remove()
      // The click has started the download; the URL is no longer needed once it has been read.
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
    },
  })
  return (
    <div className="csv-download">
      <button type="button" onClick={() => download.mutate()} disabled={download.isPending}>
        {download.isPending ? 'Preparing the file…' : label}
      </button>
      <ErrorNotice error={download.error} />
    </div>
  )
}
