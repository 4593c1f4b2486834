import Type, { type Static } from 'typebox'

export const ClockReading = Type.Object({
  now: Type.String({ format: 'date-time', description: 'The current instant on this instance\'s clock.' }),
  today: Type.String({ format: 'date', description: 'Today\'s date in Asia/Shanghai on that clock: the date notices, registrations and evaluations use.' }),
  settable: Type.Boolean({ description: 'True on a training or test instance (CLOCK=settable), whose district administrators may move the clock forward.' }),
}, { $id: 'ClockReading', additionalProperties: false, description: 'The service\'s clock.' })

export const ClockSetting = Type.Object({
  now: Type.String({ format: 'date-time', description: 'The instant to set, with its offset: 2010-03-15T09:00:00+08:00. The first setting may be any instant; later ones only move forward.' }),
}, { $id: 'ClockSetting', additionalProperties: false, description: 'A new reading for a settable clock.' })

export type ClockReading = Static<typeof ClockReading>
export type ClockSetting = Static<typeof ClockSetting>
