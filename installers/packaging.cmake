# CPack: a .deb (shlibdeps, desktop entry, icon, /usr/bin/proxflow and /usr/bin/proxflow-console)
# and a .tar.gz. Included from app/console/CMakeLists.txt once the console target exists.
install(FILES ${PROJECT_SOURCE_DIR}/installers/proxflow-console.desktop DESTINATION share/applications)
install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/proxflow-console.svg DESTINATION share/icons/hicolor/scalable/apps)

set(CPACK_PACKAGE_NAME proxflow)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "ProxFlow reverse proxy and its desktop console")
set(CPACK_PACKAGE_CONTACT "ProxFlow developers <dev@example.invalid>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# QML modules and the platform plugin are dlopen()ed, so dpkg-shlibdeps cannot see them (QT.md §7).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "qml6-module-qtqml, qml6-module-qtquick, qml6-module-qtquick-controls, qml6-module-qtquick-templates, qml6-module-qtquick-layouts, qml6-module-qtquick-window, qml6-module-qtquick-dialogs, qml6-module-qt-labs-folderlistmodel, qml6-module-qtquick-shapes, qml6-module-qtqml-models, qml6-module-qtqml-workerscript, qml6-module-qtcharts, qt6-qpa-plugins")
set(CPACK_ARCHIVE_COMPONENT_INSTALL OFF)
include(CPack)
