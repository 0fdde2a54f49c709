"""Generate the demo videos once (title cards, silent WebM VP9, a few seconds, < 300 KB) and their posters.

Run from the repository root: `.venv/bin/python videos/demo_assets/make_videos.py` (needs ffmpeg).
The generated files are committed; the demo loader only copies them.
"""

import subprocess
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
BLUE = (0, 0, 145)  # DSFR "bleu France"
SECONDS_PER_CARD = 3

VIDEOS = {
    "passinnov-en-bref": [
        "PassInnov",
        "Un parcours à la carte\nde découverte de l'innovation",
        "Point d'entrée obligatoire :\nl'intelligence collective",
        "Puis, au choix : design thinking,\ncréativité, narration,\nfacilitation graphique",
    ],
    "methode-6-3-5": [
        "La méthode 6-3-5",
        "6 personnes, 3 idées chacune,\n5 minutes par tour",
        "On passe sa feuille au voisin,\nqui enrichit les idées",
        "108 idées en 30 minutes",
    ],
}


def card(text, size=(640, 360)):
    image = Image.new("RGB", size, BLUE)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 30)
    draw.multiline_text((size[0] / 2, size[1] / 2), text, font=font, fill="white", anchor="mm", align="center")
    return image


def main():
    for name, cards in VIDEOS.items():
        with tempfile.TemporaryDirectory() as tmp:
            for index, text in enumerate(cards):
                card(text).save(Path(tmp) / f"card{index:02d}.png")
            subprocess.run(
                [
                    "ffmpeg",
                    "-y",
                    "-loglevel",
                    "error",
                    "-framerate",
                    f"1/{SECONDS_PER_CARD}",
                    "-i",
                    str(Path(tmp) / "card%02d.png"),
                    "-vf",
                    f"tpad=stop_mode=clone:stop_duration={SECONDS_PER_CARD}",
                    "-c:v",
                    "libvpx-vp9",
                    "-b:v",
                    "60k",
                    "-r",
                    "10",
                    "-pix_fmt",
                    "yuv420p",
                    "-an",
                    str(HERE / f"{name}.webm"),
                ],
                check=True,
            )
        card(cards[0]).save(HERE / f"{name}.png", optimize=True)


if __name__ == "__main__":
    main()
