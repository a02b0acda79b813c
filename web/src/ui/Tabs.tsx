/** A row of filters that behave as tabs (payments by status, complaints by status). */
export function Tabs<T extends string>({
  label,
  tabs,
  current,
  onChange,
}: {
  label: string
  tabs: { value: T; label: string; count?: number | undefined }[]
  current: T
  onChange: (value: T) => void
}) {
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs.map((tab) => (
        <button
          key={tab.value}
          type="button"
          role="tab"
          aria-selected={tab.value === current}
          onClick={() => onChange(tab.value)}
        >
          {tab.label}
          {tab.count !== undefined ? <span className="count">{tab.count}</span> : null}
        </button>
      ))}
    </div>
  )
}

export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return <span className={`badge badge-${status.toLowerCase()}`}>{label ?? status}</span>
}
