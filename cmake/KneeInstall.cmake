# cmake --install: library, header, pkg-config file, CMake package (find_package(knee) ->
# knee::knee), the knee command with its man page and bash completion, the default rule files
# and their schema.
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
# The installed command finds the library it was installed with, wherever the prefix is:
# $ORIGIN/../lib (the path from bindir to libdir), no LD_LIBRARY_PATH needed.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(_knee_rpath "${CMAKE_INSTALL_LIBDIR}")
else()
  file(RELATIVE_PATH _knee_rpath "/p/${CMAKE_INSTALL_BINDIR}" "/p/${CMAKE_INSTALL_LIBDIR}")
  set(_knee_rpath "$ORIGIN/${_knee_rpath}")
endif()
set_target_properties(knee_cli PROPERTIES INSTALL_RPATH "${_knee_rpath}")
install(TARGETS knee_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_BINARY_DIR}/knee.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES src/cli/completion.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
  RENAME knee)
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

# knee.pc finds the prefix from where it is (${pcfiledir}), so that it is right wherever the
# files land: `cmake --install build --prefix P` (the prefix chosen at install time, not at
# configure time), DESTDIR, or a moved tree. Directories given as absolute paths stay absolute.
# Private requirements matter only for static linking.
set(_knee_pcdir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE "${_knee_pcdir}")
  set(KNEE_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH _knee_up "/p/${_knee_pcdir}" "/p")
  string(REGEX REPLACE "/$" "" _knee_up "${_knee_up}")
  set(KNEE_PC_PREFIX "\${pcfiledir}/${_knee_up}")
endif()
foreach(_dir LIBDIR INCLUDEDIR DATADIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${_dir}}")
    set(KNEE_PC_${_dir} "${CMAKE_INSTALL_${_dir}}")
  else()
    set(KNEE_PC_${_dir} "\${prefix}/${CMAKE_INSTALL_${_dir}}")
  endif()
endforeach()
configure_file(cmake/knee.pc.in ${CMAKE_CURRENT_BINARY_DIR}/knee.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/knee.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
