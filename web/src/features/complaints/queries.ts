import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from '../../api/client'
import { unwrap } from '../../api/problem'

async function fetchComplaints(page: number, filter: { status?: string; mine?: boolean }) {
  const query = {
    ...(page > 1 ? { page } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.mine ? { mine: true } : {}),
  }
  return unwrap(await api.GET('/api/complaints', { params: { query } }))
}

export type ComplaintsPage = Awaited<ReturnType<typeof fetchComplaints>>
export type Complaint = ComplaintsPage['results'][number]

/** The complaints the caller filed (whatever their roles), newest first. */
export function useMyComplaints(page: number) {
  return useQuery({
    queryKey: ['complaints', 'mine', page],
    queryFn: () => fetchComplaints(page, { mine: true }),
    placeholderData: keepPreviousData,
  })
}

/** Complaints waiting for an approver's decision, newest first. */
export function useWaitingComplaints(page: number) {
  return useQuery({
    queryKey: ['complaints', 'pending', page],
    queryFn: () => fetchComplaints(page, { status: 'pending' }),
    placeholderData: keepPreviousData,
  })
}

export interface NewComplaint {
  title: string
  description: string
  amount: string
  photo: File | null
}

/** Files a complaint as multipart/form-data, with the photo as the `photo` file. */
export function useFileComplaint() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async ({ key, complaint }: { key: string; complaint: NewComplaint }) => {
      const form = new FormData()
      form.set('title', complaint.title)
      form.set('description', complaint.description)
      form.set('amount', complaint.amount)
      // Without one, the API says a photo is needed, beside the field.
      if (complaint.photo) form.set('photo', complaint.photo, complaint.photo.name)
      return unwrap(
        await api.POST('/api/complaints', {
          params: { header: { 'idempotency-key': key } },
          // The typed body is the JSON one; the FormData goes out as it is, with its own content type.
          body: form as unknown as never,
          bodySerializer: (body: unknown) => body as FormData,
        }),
      )
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['complaints'] }),
  })
}

/** An approval: 200 once decided, 202 while it waits for a second approver. */
export function useApprove() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (id: number) => {
      const result = await api.PUT('/api/complaints/{id}/approve', { params: { path: { id } } })
      return { complaint: unwrap(result), waiting: result.response.status === 202 }
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['complaints'] }),
  })
}

export function useReject() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async ({ id, reason }: { id: number; reason: string }) =>
      unwrap(
        await api.PUT('/api/complaints/{id}/reject', {
          params: { path: { id } },
          body: reason.trim() ? { reason: reason.trim() } : {},
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['complaints'] }),
  })
}
