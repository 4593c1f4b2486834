import Type from 'typebox'

/** A calendar date, YYYY-MM-DD, in a schema. */
export const calendarDate = (description: string) => Type.String({ format: 'date', description })
