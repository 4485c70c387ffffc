"""Everything is in pyproject.toml but one build step: the default level
model lives in models/ (training writes it there, the repo's loader reads it
there), and the wheel must carry it inside the package, as
assessor/packaged/level-model.json, where Config finds it when models/ is
not beside the package (an installed wheel)."""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
MODEL = Path("models") / "level-model.json"


class BuildWithModel(build_py):
    def run(self):
        super().run()
        source = HERE / MODEL
        if not source.is_file():
            raise SystemExit(f"{MODEL} is missing: the wheel would not score")
        target = Path(self.build_lib) / "assessor" / "packaged" / "level-model.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


setup(cmdclass={"build_py": BuildWithModel})
