export async function writeMeshQueries() {
  throw new Error('mesh queries: not yet');
}
