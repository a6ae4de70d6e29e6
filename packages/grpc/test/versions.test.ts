// The suite runs against both ends of the peer range: this checks it really does.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { grpcPackage, grpcVersion } from './support/grpc.ts';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

it(`loads the grpc-js this project names (${grpcPackage} ${grpcVersion})`, () => {
  if (grpcPackage === 'grpc-js-oldest') {
    // The oldest the peer range claims: its floor.
    const floor = manifest.peerDependencies['@grpc/grpc-js']?.replace(/^\^/, '');
    expect(manifest.devDependencies['grpc-js-oldest']).toBe(`npm:@grpc/grpc-js@${floor}`);
    expect(grpcVersion).toBe(floor);
  } else {
    expect(grpcPackage).toBe('@grpc/grpc-js');
    expect(grpcVersion).toBe(manifest.devDependencies['@grpc/grpc-js']);
  }
});
