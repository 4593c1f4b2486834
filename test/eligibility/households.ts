import type { EventRow, Key, PersonRow, Population } from './population.js'

/**
 * DESIGN §3's households, worked out directly from a population as it was on a date
 * (asItWasOn: links only to children counted by then, standing events dated by then),
 * for the agreement test to hold the catalogue's programmes to: an only-child household
 * (exactly one child and the certificate), a daughters-only household (one or two
 * children, all daughters), a family-planning household (no birth against policy on
 * the couple). Written apart from the evaluators, in the words of DESIGN.
 */
export function householdsOf (population: Population) {
  const persons = [...population.persons.values()]
  const household = (key: Key) => key.split('.')[0]
  const coupled = (a: PersonRow, b: PersonRow) => a.sex !== b.sex && household(a.key) === household(b.key) && (
    (a.relationship === 'head' && b.relationship === 'spouse') || (a.relationship === 'spouse' && b.relationship === 'head')
    || (a.relationship === 'parent' && b.relationship === 'parent'))
  const eventsOf = (keys: Array<Key | null>, type: EventRow['type']) => population.events.filter((event) => event.type === type && keys.includes(event.owner))

  const childrenOf = (keys: Array<Key | null>) => persons.filter((child) => keys.some((key) => key !== null && (child.mother === key || child.father === key)))
  const onlyChild = (children: PersonRow[], holders: Array<Key | null>) => children.length === 1 && eventsOf(holders, 'only_child_certificate').length > 0
  const daughtersOnly = (children: PersonRow[]) => (children.length === 1 || children.length === 2) && children.every((child) => child.sex === 'female')
  const familyPlanning = (couple: Array<Key | null>) => eventsOf(couple, 'out_of_policy_birth').length === 0

  return (key: Key) => {
    const person = population.persons.get(key)!
    const couple = [key, ...persons.filter((other) => coupled(person, other)).map((other) => other.key)]
    const parents = [person.mother, person.father]
    const own = childrenOf([key])
    const parents_ = childrenOf(parents)
    return {
      rural: person.hukouType !== 'non_agricultural',
      onlyChildHousehold: onlyChild(own, couple),
      daughtersOnlyHousehold: daughtersOnly(own),
      familyPlanningHousehold: familyPlanning(couple),
      parentsOnlyChildHousehold: onlyChild(parents_, parents),
      parentsDaughtersOnlyHousehold: daughtersOnly(parents_),
      parentsFamilyPlanningHousehold: familyPlanning(parents),
    }
  }
}
