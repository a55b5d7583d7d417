import { ensureAlertDeduplication, namespaceOfTopic } from './alerts';

/** Namespace deduplication policies as the admin API reports them (undefined: no policy of its own). */
function fakeAdmin(policies: Record<string, boolean | undefined>) {
  const set: string[] = [];
  return {
    set,
    getDeduplication: async (namespace: string) => policies[namespace],
    setDeduplication: async (namespace: string, enabled: boolean) => {
      policies[namespace] = enabled;
      set.push(namespace);
    },
  };
}

describe('alerts topic deduplication check', () => {
  it('finds the namespace of full and short topic names', () => {
    expect(namespaceOfTopic('persistent://retail/compute/alerts')).toBe('retail/compute');
    expect(namespaceOfTopic('retail/compute/alerts')).toBe('retail/compute');
    expect(() => namespaceOfTopic('persistent://retail/alerts')).toThrow(/ALERTS_TOPIC=persistent:\/\/retail\/alerts/);
  });

  it('accepts a namespace with deduplication on', async () => {
    const admin = fakeAdmin({ 'retail/compute': true });
    await expect(ensureAlertDeduplication(admin, 'persistent://retail/compute/alerts', false)).resolves.toBe('on');
    expect(admin.set).toEqual([]);
  });

  it.each([false, undefined])('fails the start naming the namespace and the fix when the policy is %s', async (policy) => {
    const admin = fakeAdmin({ 'retail/compute': policy });
    const start = ensureAlertDeduplication(admin, 'persistent://retail/compute/alerts', false);
    await expect(start).rejects.toMatchObject({ code: 'CONFIGURATION', retriable: false });
    await expect(start).rejects.toThrow(/namespace retail\/compute .*set-deduplication retail\/compute --enable.*ALERTS_PROVISION_DEDUPLICATION=true/);
    expect(admin.set).toEqual([]);
  });

  it('turns it on when configured to provision', async () => {
    const admin = fakeAdmin({});
    await expect(ensureAlertDeduplication(admin, 'persistent://retail/compute/alerts', true)).resolves.toBe('provisioned');
    expect(admin.set).toEqual(['retail/compute']);
  });
});
