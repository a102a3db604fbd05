// class-transformer publishes its metadata storage (where @Type() records nested DTO classes) without typings
// next to the CommonJS file; these are the ones it ships under types/.
declare module 'class-transformer/cjs/storage.js' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage.js';
}
