import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { AdminSeedService } from './admin-seed.service.js';

@Module({
  imports: [CredentialsModule],
  providers: [AdminSeedService],
})
export class AdminSeedModule {}
