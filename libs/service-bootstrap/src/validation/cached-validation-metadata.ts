import { getMetadataStorage } from 'class-validator';
type MetadataStorage = ReturnType<typeof getMetadataStorage>;
type Lookup = MetadataStorage['getTargetValidationMetadatas'];
type ValidationMetadata = ReturnType<Lookup>[number];

const cached = new WeakSet<MetadataStorage>();

/**
 * class-validator looks a class's rules up again on every validate() of every (nested) object: it filters the
 * class's own metadata and walks the metadata of EVERY decorated class for its ancestors (`instanceof` per class),
 * then groups the result by property. Under load that lookup was the largest single cost of validating a request
 * (getTargetValidationMetadatas was the hottest function of class-validator in every service's profile). The
 * rules only change when a decorated class is defined, so the lookup and its grouping are memoized per class and
 * options, and any newly registered rule or schema clears the memo. Callers only read what they get
 * (ValidationExecutor and Nest's ValidationPipe), so the arrays are shared. Idempotent.
 */
export function cacheValidationMetadata(storage: MetadataStorage = getMetadataStorage()): void {
  if (cached.has(storage)) return;
  cached.add(storage);
  const lookUp: Lookup = storage.getTargetValidationMetadatas.bind(storage);
  const groupByProperty = storage.groupByPropertyName.bind(storage);
  let byTarget = new Map<unknown, Map<string, ValidationMetadata[]>>();
  let grouped = new WeakMap<ValidationMetadata[], Record<string, ValidationMetadata[]>>();
  const forget = () => {
    byTarget = new Map();
    grouped = new WeakMap();
  };

  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0001') ?? ''}`;
    let forTarget = byTarget.get(target);
    if (forTarget === undefined) byTarget.set(target, (forTarget = new Map()));
    let metadatas = forTarget.get(key);
    if (metadatas === undefined) forTarget.set(key, (metadatas = lookUp(target, schema, always, strictGroups, groups)));
    return metadatas;
  };
  storage.groupByPropertyName = (metadatas) => {
    let byProperty = grouped.get(metadatas);
    if (byProperty === undefined) grouped.set(metadatas, (byProperty = groupByProperty(metadatas)));
    return byProperty;
  };
  for (const register of ['addValidationMetadata', 'addConstraintMetadata', 'addValidationSchema'] as const) {
    const original = storage[register].bind(storage) as (arg: never) => void;
    (storage[register] as (arg: never) => void) = (arg) => {
      forget();
      original(arg);
    };
  }
}
