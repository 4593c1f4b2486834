/**
 * Sends the acknowledgements of the announcements an instance hears, those heard in one
 * turn of the event loop in one call: a change to 10,000 tokens committed at once is
 * heard as 10,000 announcements, and acknowledging each with its own statement would
 * queue 10,000 statements ahead of every request on the instance's connections.
 */
export function acknowledgingTogether (send: (payloads: string[]) => Promise<void>): (payload: string) => void {
  let heard: string[] = []
  return (payload) => {
    heard.push(payload)
    if (heard.length > 1) return
    setImmediate(() => {
      const payloads = heard
      heard = []
      void send(payloads)
    })
  }
}
