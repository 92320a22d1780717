-- Each revision's spec in binary (catalog.v1.DatasetSpec, Protobuf), as a
-- dataset's current spec is since 0011: writing a revision no longer
-- builds and stores the spec as JSON a second time. `document` keeps the
-- rest of the object (metadata, status) as JSON; rows written before keep
-- their spec inside `document` and are read from it.
ALTER TABLE dataset_history ADD COLUMN spec_pb BLOB;
-- Written at every schema change and never read: dataset_history holds
-- every schema a dataset has had (`changes` names spec.schema).
DROP TABLE schema_versions;
