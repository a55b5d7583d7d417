import type { NestedField } from '@retail/iceberg';
import { planContractEvolution } from './table-evolution';

const bbox = (fields: NestedField[]): NestedField => ({ id: 11, name: 'bbox', required: true, type: { type: 'struct', fields } });
const x: NestedField = { id: 20, name: 'x', required: true, type: 'float' };
const v1: NestedField[] = [{ id: 1, name: 'detection_id', required: true, type: 'string' }, bbox([x])];

describe('planContractEvolution', () => {
  it('adds the optional fields the table lacks with the contract ids, nested ones into their struct', () => {
    const tags: NestedField = { id: 30, name: 'tags', required: false, type: { type: 'list', 'element-id': 31, element: 'string', 'element-required': true } };
    const w: NestedField = { id: 21, name: 'w', required: false, type: 'float', doc: 'width' };
    const contract = [...v1.slice(0, 1), bbox([x, w]), tags];
    expect(planContractEvolution(contract, v1, 'bronze.detections')).toEqual({
      additions: [
        { id: 21, name: 'w', type: 'float', doc: 'width', parentId: 11 },
        { id: 30, name: 'tags', type: tags.type },
      ],
      addedPaths: ['bbox.w', 'tags'],
      refused: [],
    });
    expect(planContractEvolution(contract, contract, 't')).toEqual({ additions: [], addedPaths: [], refused: [] });
  });

  it('refuses a new required field, naming the table, the field and the fix', () => {
    const contract = [...v1, { id: 40, name: 'store_id', required: true, type: 'string' as const }];
    const plan = planContractEvolution(contract, v1, 'bronze.detections');
    expect(plan.additions).toEqual([]);
    expect(plan.refused).toEqual([
      'bronze.detections.store_id (field id 40) is required in the contract and missing from the table: rows already written have no value for it; make it optional in a new contract version, or recreate the table',
    ]);
  });
});
