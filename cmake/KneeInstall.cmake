# cmake --install: library, header, pkg-config file, CMake package (find_package(knee) ->
# knee::knee), the default rule files and their schema.
include(CMakePackageConfigHelpers)

set(_knee_targets)
if(TARGET knee_shared)
  list(APPEND _knee_targets knee_shared)
endif()
if(TARGET knee_static)
  list(APPEND _knee_targets knee_static)
endif()
install(TARGETS ${_knee_targets} EXPORT kneeTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES include/knee.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS knee_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES rules/knee-oa.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/knee/rules)
install(FILES rules/schema/knee-rules-1.xsd DESTINATION ${CMAKE_INSTALL_DATADIR}/knee/rules/schema)

install(EXPORT kneeTargets NAMESPACE knee:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/knee)
configure_package_config_file(cmake/knee-config.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/knee-config.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/knee)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/knee-config-version.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/knee-config.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/knee-config-version.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/knee)

# Private requirements matter only for static linking.
configure_file(cmake/knee.pc.in ${CMAKE_CURRENT_BINARY_DIR}/knee.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/knee.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
