# Debian packages, built by CPack from the Release build:
#   cpack --config build/CPackConfig.cmake -B build/packages   (scripts/package)
# makes catalogd_VERSION_ARCH.deb (the server, its systemd unit, default
# settings and policies; postinst makes the catalogd user) and
# catalogctl_VERSION_ARCH.deb (the CLI). Their library dependencies are
# read off the binaries by dpkg-shlibdeps. packaging/ holds the files and
# scripts; tests/package_test.cc installs both into a clean Debian 12 root.

set(pkg ${PROJECT_SOURCE_DIR}/packaging)

install(TARGETS catalogd RUNTIME DESTINATION bin COMPONENT catalogd)
install(FILES ${pkg}/catalogd.service DESTINATION /lib/systemd/system COMPONENT catalogd)
install(FILES ${pkg}/catalogd.yaml DESTINATION /etc/catalogd COMPONENT catalogd)
install(FILES ${PROJECT_SOURCE_DIR}/policies/default.cedar
        DESTINATION share/catalogd/policies COMPONENT catalogd)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/operations.md
              ${PROJECT_SOURCE_DIR}/docs/replicas.md ${PROJECT_SOURCE_DIR}/docs/policies.md
        DESTINATION share/doc/catalogd COMPONENT catalogd)

install(TARGETS catalogctl RUNTIME DESTINATION bin COMPONENT catalogctl)
install(FILES ${PROJECT_SOURCE_DIR}/docs/cli.md ${PROJECT_SOURCE_DIR}/docs/contracts-in-ci.md
        DESTINATION share/doc/catalogctl COMPONENT catalogctl)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME catalogd)
set(CPACK_PACKAGE_VENDOR "catalogd")
set(CPACK_PACKAGE_CONTACT "catalogd developers <catalogd@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL catalogd catalogctl)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_CATALOGD_PACKAGE_NAME catalogd)
set(CPACK_DEBIAN_CATALOGD_PACKAGE_SECTION database)
# postinst: useradd, groupadd (passwd), install (coreutils).
set(CPACK_DEBIAN_CATALOGD_PACKAGE_DEPENDS "passwd")
set(CPACK_DEBIAN_CATALOGD_PACKAGE_RECOMMENDS "catalogctl (= ${PROJECT_VERSION})")
set(CPACK_DEBIAN_CATALOGD_PACKAGE_CONTROL_EXTRA
    ${pkg}/postinst ${pkg}/prerm ${pkg}/postrm ${pkg}/conffiles)
set(CPACK_COMPONENT_CATALOGD_DESCRIPTION
    "data catalog and governance server\n\
catalogd keeps a catalog of datasets, their lineage (OpenLineage), data\n\
contracts (ODCS) and owners, decides who may read and write what (Cedar\n\
policies over an in-memory snapshot) and keeps a hash-chained audit log.\n\
It runs on its embedded SQLite or as replicas on one PostgreSQL database.")

set(CPACK_DEBIAN_CATALOGCTL_PACKAGE_NAME catalogctl)
set(CPACK_DEBIAN_CATALOGCTL_PACKAGE_SECTION utils)
set(CPACK_COMPONENT_CATALOGCTL_DESCRIPTION
    "command-line client for catalogd, and the data contract check for CI\n\
catalogctl manages a catalogd catalog (datasets, lineage, policies, tokens,\n\
audit) and lints and diffs ODCS data contracts offline, for pull requests.")

include(CPack)
