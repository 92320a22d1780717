-- A dataset's spec also in binary (catalog.v1.DatasetSpec, Protobuf), which
-- reads decode instead of the JSON in `spec`; both are written together.
-- Rows written before this column are NULL here and read from their JSON
-- until catalogd encodes them (in the background after it starts).
ALTER TABLE datasets ADD COLUMN spec_pb BLOB;
