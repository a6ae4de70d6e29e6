// vitest.config.ts runs every suite on both HTTP platforms; this proves each run is on the one
// it names, so a passing Fastify run cannot be the Express one twice.
import { Module } from '@nestjs/common';
import { expect, it } from 'vitest';
import { TripswitchModule } from '../src/index.ts';
import { platform, startApp } from './nest-app.ts';

@Module({ imports: [TripswitchModule.forRoot()] })
class AppModule {}

it('runs on the platform of its project', async () => {
  const { app } = await startApp({ imports: [AppModule] });
  expect(app.getHttpAdapter().getType()).toBe(platform);
});
