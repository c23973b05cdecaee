"""Start-up baseline: a bare PySide6 script that shows one empty QMainWindow and quits as
soon as the event loop is idle -- the least any Qt desktop app can cost to start."""

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1200, 800)
window.show()
QTimer.singleShot(0, app.quit)
sys.exit(app.exec())
