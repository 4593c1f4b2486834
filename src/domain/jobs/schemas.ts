import Type from 'typebox'

export const Job = Type.Object({
  id: Type.String({ format: 'uuid', description: 'Job id.' }),
  kind: Type.String({ description: 'What the job does, e.g. import.households.' }),
  status: Type.Enum(['queued', 'running', 'succeeded', 'failed'], { description: 'queued → running → succeeded or failed.' }),
  done: Type.Integer({ description: 'Units of work done so far (rows, persons, payments).' }),
  total: Type.Union([Type.Integer(), Type.Null()], { description: 'Units of work in all, once known.' }),
  result: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'What the job produced; present once it succeeded.' })),
  error: Type.Optional(Type.String({ description: 'Why it failed; present once it failed.' })),
  createdAt: Type.String({ format: 'date-time', description: 'When it was requested.' }),
  startedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When a runner first took it.' }),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When it ended.' }),
}, { $id: 'Job', additionalProperties: false, description: 'Long work, and how far it is.' })
