import { Module } from '@nestjs/common';
import { ProfilesHandlers } from './profiles.handlers.js';
import { ProfilesService } from './profiles.service.js';

@Module({
  controllers: [ProfilesHandlers],
  providers: [ProfilesService],
})
export class ProfilesModule {}
