# Writes OUTPUT, a C++ source holding every MIGRATIONS_DIR/NNNN_*.sql file as
# a string, in order, returned by the function FUNCTION. Run at build time
# so editing a migration rebuilds it.
file(GLOB files RELATIVE ${MIGRATIONS_DIR} ${MIGRATIONS_DIR}/[0-9][0-9][0-9][0-9]_*.sql)
list(SORT files)
set(body "// Generated from ${MIGRATIONS_DIR}/*.sql by cmake/embed_migrations.cmake.\n")
string(APPEND body "#include \"server/store/migrations.h\"\n\nnamespace catalog::store {\n\n")
string(APPEND body "const std::vector<Migration>& ${FUNCTION}() {\n")
string(APPEND body "  static const std::vector<Migration> kMigrations = {\n")
foreach(f ${files})
  file(READ ${MIGRATIONS_DIR}/${f} sql)
  string(SUBSTRING ${f} 0 4 number)
  math(EXPR version "${number}")
  string(APPEND body "    {${version}, \"${f}\", R\"catalog_sql(${sql})catalog_sql\"},\n")
endforeach()
string(APPEND body "  };\n  return kMigrations;\n}\n\n}  // namespace catalog::store\n")
file(WRITE ${OUTPUT}.tmp "${body}")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
