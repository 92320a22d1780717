-- A dataset's current spec in binary (catalog.v1.DatasetSpec, Protobuf),
-- which reads decode instead of JSON; `spec` is left empty for rows
-- written from now on (every version stays in dataset_history as JSON).
-- Rows written before are NULL here, keep their JSON in `spec` and are read
-- from it until catalogd moves them (in the background after it starts).
ALTER TABLE datasets ADD COLUMN spec_pb BLOB;
-- The rows still to encode, so that finding none is instant (the encoder
-- looks at every start).
CREATE INDEX datasets_spec_unencoded ON datasets(id) WHERE spec_pb IS NULL;
