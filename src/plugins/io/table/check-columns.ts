/**
 * Checks an Arrow table against a task's declared columns: every declared column present with a
 * matching Arrow type, and no undeclared columns. Messages name the column and both types.
 */
import { DataType } from 'apache-arrow'
import type { ColumnType } from '../../../spec/model.ts'
import type { ArrowTableLike } from '../classify-value.ts'
import { IoError } from '../io-error.ts'

type ArrowType = DataType & { bitWidth?: number; isSigned?: boolean; precision?: number; dictionary?: DataType }

/** Whether an Arrow type satisfies a declared column type. Dictionary-encoded columns match by value type. */
export function matchesColumnType(type: ArrowType, declared: ColumnType): boolean {
  if (DataType.isDictionary(type) && type.dictionary) return matchesColumnType(type.dictionary as ArrowType, declared)
  switch (declared) {
    case 'bool':
      return DataType.isBool(type)
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
      return DataType.isInt(type) && type.isSigned === true && type.bitWidth === Number(declared.slice(3))
    case 'uint8':
    case 'uint16':
    case 'uint32':
    case 'uint64':
      return DataType.isInt(type) && type.isSigned === false && type.bitWidth === Number(declared.slice(4))
    case 'float32':
      return DataType.isFloat(type) && type.precision === 1
    case 'float64':
      return DataType.isFloat(type) && type.precision === 2
    case 'string':
      return DataType.isUtf8(type) || DataType.isLargeUtf8(type)
    case 'binary':
      return DataType.isBinary(type) || DataType.isLargeBinary(type)
    case 'date':
      return DataType.isDate(type)
    case 'timestamp':
      return DataType.isTimestamp(type)
  }
}

/** Throws `TABLE_SCHEMA_MISMATCH` listing every column that is missing, mistyped or undeclared. */
export function checkColumns(table: ArrowTableLike, declared: Readonly<Record<string, ColumnType>>): void {
  const actual = new Map(table.schema.fields.map((f) => [f.name, f.type as ArrowType]))
  const problems: string[] = []
  for (const [name, want] of Object.entries(declared)) {
    const type = actual.get(name)
    if (!type) problems.push(`column '${name}' (${want}) is missing`)
    else if (!matchesColumnType(type, want)) problems.push(`column '${name}' is ${String(type)}, declared ${want}`)
  }
  for (const name of actual.keys()) {
    if (!(name in declared)) problems.push(`column '${name}' is not declared`)
  }
  if (problems.length > 0)
    throw new IoError(
      'TABLE_SCHEMA_MISMATCH',
      `The table does not match the declared output columns: ${problems.join('; ')}. Fix the handler or the spec's output.columns.`,
      { details: { problems } },
    )
}
