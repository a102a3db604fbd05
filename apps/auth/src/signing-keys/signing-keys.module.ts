import { Module } from '@nestjs/common';
import { SigningKeyRing } from './signing-key-ring.js';
import { SigningKeysHandlers } from './signing-keys.handlers.js';

@Module({
  controllers: [SigningKeysHandlers],
  providers: [SigningKeyRing],
  exports: [SigningKeyRing],
})
export class SigningKeysModule {}
