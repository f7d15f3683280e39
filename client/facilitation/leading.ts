/**
 * "Bring everyone here", the facilitator's side: the request is the `leading` field of their
 * presence (when they asked, in ms). Participants follow a facilitator whose presence carries
 * it (useFollowLead.ts); the server strips it from anyone else's. A new value is a new request,
 * so people who left an earlier one are asked again.
 */
import type { Awareness } from 'y-protocols/awareness'

export function toggleLeading(awareness: Awareness | null, leading: boolean): void {
  awareness?.setLocalStateField('leading', leading ? undefined : Date.now())
}
