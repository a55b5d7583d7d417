import { admin, endpoints, uniqueName } from './helpers';

describe('PulsarAdmin', () => {
  it('creates a tenant on the broker\'s clusters, idempotently, and namespaces and partitioned topics in it', async () => {
    const tenant = uniqueName('tenant');
    await admin.createTenant(tenant);
    await admin.createTenant(tenant);
    const info = (await (await fetch(`${endpoints.pulsarAdminUrl}/admin/v2/tenants/${tenant}`)).json()) as { allowedClusters: string[] };
    expect(info.allowedClusters).toEqual(['standalone']);

    const namespace = `${tenant}/ingest`;
    await admin.createNamespace(namespace);
    const topic = `persistent://${namespace}/detections`;
    await admin.createPartitionedTopic(topic, 2);
    expect(await admin.partitionCount(topic)).toBe(2);
    await admin.updatePartitionedTopic(topic, 3);
    expect(await admin.partitionCount(topic)).toBe(3);

    await admin.deletePartitionedTopic(topic);
    await admin.deleteNamespace(namespace, false);
    const deleted = await fetch(`${endpoints.pulsarAdminUrl}/admin/v2/tenants/${tenant}`, { method: 'DELETE' });
    expect(deleted.ok).toBe(true);
  });

  it('sets a namespace retention policy that reads back, and changes it', async () => {
    const namespace = `public/${uniqueName('retention')}`;
    await admin.createNamespace(namespace);
    try {
      expect(await admin.getRetention(namespace)).toBeUndefined();
      await admin.setRetention(namespace, { retentionTimeInMinutes: 90, retentionSizeInMB: -1 });
      expect(await admin.getRetention(namespace)).toEqual({ retentionTimeInMinutes: 90, retentionSizeInMB: -1 });
      await admin.setRetention(namespace, { retentionTimeInMinutes: -1, retentionSizeInMB: 512 });
      expect(await admin.getRetention(namespace)).toEqual({ retentionTimeInMinutes: -1, retentionSizeInMB: 512 });
    } finally {
      await admin.deleteNamespace(namespace, false); // empty; this broker refuses forced deletion
    }
  });
});
