import Type from 'typebox'

export const Liveness = Type.Object({
  status: Type.Literal('live', { description: 'Always "live" while the process serves requests.' }),
}, { $id: 'Liveness', additionalProperties: false, description: 'The process is up.' })

export const Readiness = Type.Object({
  status: Type.Literal('ready', { description: 'The service can take requests.' }),
  engine: Type.Enum(['postgres', 'embedded'], { description: 'Which database engine serves this instance.' }),
}, { $id: 'Readiness', additionalProperties: false, description: 'The service and its database are up.' })
