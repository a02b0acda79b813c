/** One resized copy of an uploaded picture, as the API lists them (WebP, 1000/500/200 px wide). */
export interface ImageVariant {
  size: number
  width: number
  height: number
  url: string
}

/**
 * An uploaded picture: in lists the smallest copy (`thumbnail`), elsewhere every copy in `srcset` so
 * the browser picks by the space it has. Before the copies exist, the original stands in.
 */
export function VariantImage({
  variants,
  original,
  alt,
  thumbnail,
  sizes = '(max-width: 40rem) 100vw, 40rem',
  className,
}: {
  variants: ImageVariant[]
  original: string
  alt: string
  thumbnail?: boolean
  sizes?: string
  className?: string
}) {
  const bySize = [...variants].sort((a, b) => a.width - b.width)
  const smallest = bySize[0]
  const largest = bySize[bySize.length - 1]
  if (thumbnail) {
    return (
      <img
        className={className}
        src={smallest?.url ?? original}
        width={smallest?.width}
        height={smallest?.height}
        alt={alt}
        loading="lazy"
        decoding="async"
      />
    )
  }
  return (
    <img
      className={className}
      src={largest?.url ?? original}
      srcSet={
        bySize.length ? bySize.map((variant) => `${variant.url} ${variant.width}w`).join(', ') : undefined
      }
      sizes={bySize.length ? sizes : undefined}
      width={largest?.width}
      height={largest?.height}
      alt={alt}
      decoding="async"
    />
  )
}
