/**
 * "Bring everyone here", the participant's side: when a facilitator asks everyone to follow
 * them, start following their view; stop when they stop. Leaving (the "Stop following"
 * button, or moving one's own camera, which makes tldraw stop following) dismisses that
 * request for good: the same request never pulls the person back, a new one does.
 */
import { useEffect, useMemo, useRef, useState } from 'react'
import { react, unsafe__withoutCapture, useValue, type Editor } from 'tldraw'
import { findLead, type Lead, type Person } from './people.ts'

export function useFollowLead(editor: Editor | null, people: readonly Person[]): Lead | null {
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(() => new Set())
  const lead = useMemo(() => findLead(people, dismissed), [people, dismissed])
  /** The request we are following because it asked, if any. */
  const followed = useRef<Lead | null>(null)
  // Following needs the leader's presence (camera) in the store, which may land a moment after
  // their request: try again once it is there.
  const leaderPresent = useValue(
    'codesign.leaderPresent',
    () => (editor && lead ? editor.getCollaborators().some((c) => c.userId === lead.userId) : false),
    [editor, lead?.userId],
  )

  // Whoever stops following the leader (the person, or tldraw because they moved) leaves the request.
  useEffect(() => {
    if (!editor) return
    let previous = editor.getInstanceState().followingUserId
    return react('codesign.leaveLead', () => {
      const current = editor.getInstanceState().followingUserId
      if (current === previous) return
      previous = current
      const following = followed.current
      if (!following || current === following.userId) return
      followed.current = null
      // tldraw also stops when the leader's presence vanishes (their connection or ours
      // dropped): that is not leaving, and following resumes when they are back.
      const leaderThere = unsafe__withoutCapture(() => editor.getCollaborators().some((c) => c.userId === following.userId))
      if (leaderThere) {
        setDismissed((before) => new Set(before).add(following.key))
      }
    })
  }, [editor])

  useEffect(() => {
    if (!editor) return
    const current = editor.getInstanceState().followingUserId
    if (!lead) {
      // The facilitator stopped leading (or left): let go of their view.
      const following = followed.current
      if (following && current === following.userId) editor.stopFollowingUser()
      followed.current = null
      return
    }
    if (current === lead.userId) {
      followed.current = lead
      return
    }
    if (!leaderPresent) return
    editor.startFollowingUser(lead.userId)
    // Set after the call: starting first stops any other following, which must not count as leaving.
    if (editor.getInstanceState().followingUserId === lead.userId) followed.current = lead
  }, [editor, lead, leaderPresent])

  return lead
}
