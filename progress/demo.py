"""Demo badges: one per module, "PassInnov" (entry module plus three others), two trainer badges and the
self-declared practice badge « Praticien·ne » (five declared uses of three different fiches).

Badge images are drawn with Pillow (PNG) and stored as Wagtail images; everything is looked up by name, so
running the demo twice changes nothing.
"""

import io

from django.core.files.images import ImageFile
from PIL import Image, ImageDraw, ImageFont
from wagtail.images import get_image_model

from parcours.models import ModulePage
from progress.models import Badge

BLUE = (0, 0, 145)
RED = (225, 0, 15)
COLOURS = [(0, 0, 145), (0, 99, 203), (24, 117, 63), (113, 72, 0), (106, 106, 244), (161, 0, 100)]

PASSINNOV = {
    "name": "PassInnov",
    "description": "Le badge du parcours PassInnov : le module Intelligence collective et trois autres modules.",
    "criteria": "Avoir suivi le module d’entrée « Intelligence collective » et au moins trois autres modules du "
    "parcours PassInnov, présence constatée par l’équipe d’animation.",
    "rule": Badge.Rule.ENTRY_PLUS,
    "count": 3,
}
PRACTITIONER = {
    "name": "Praticien·ne",
    "description": "Réutilise les fiches pratiques de PassInnov avec ses équipes.",
    "criteria": "Avoir déclaré au moins cinq utilisations de trois fiches pratiques différentes avec ses équipes.",
    "rule": Badge.Rule.DECLARED_USES,
    "count": 5,
    "fiche_count": 3,
}
TRAINERS = [
    {
        "name": "Co-animateur PassInnov",
        "description": "A co-animé des sessions du parcours PassInnov aux côtés d’un formateur.",
        "criteria": "Avoir co-animé au moins deux sessions du parcours PassInnov qui se sont tenues.",
        "rule": Badge.Rule.CO_FACILITATED,
        "count": 2,
    },
    {
        "name": "Formateur PassInnov",
        "description": "A animé en formateur principal des sessions du parcours PassInnov.",
        "criteria": "Avoir animé en formateur principal au moins deux sessions du parcours PassInnov qui se sont tenues.",
        "rule": Badge.Rule.LED,
        "count": 2,
    },
]


def badge_font(size):
    """Marianne (shipped with django-dsfr), else Bitstream Vera (shipped with reportlab): both have accents."""
    import os

    import dsfr
    import reportlab

    candidates = [
        os.path.join(os.path.dirname(dsfr.__file__), "static/dsfr/dist/fonts/Marianne-Bold.woff"),
        os.path.join(os.path.dirname(reportlab.__file__), "fonts/VeraBd.ttf"),
    ]
    for path in candidates:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def draw_badge(label, colour, size=400):
    """A round badge with the programme's name and a short label, as PNG bytes."""
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size - 8, size - 8), fill=colour, outline=RED, width=14)
    draw.ellipse((40, 40, size - 40, size - 40), outline=(255, 255, 255), width=4)
    title_font = badge_font(46)
    label_font = badge_font(30)
    draw.text((size / 2, size * 0.38), "PassInnov", font=title_font, fill="white", anchor="mm")
    words, lines, line = label.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=label_font) > size * 0.62 and line:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    for index, text in enumerate(lines[:3]):
        draw.text((size / 2, size * 0.56 + index * 38), text, font=label_font, fill="white", anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def badge_image(title, label, colour):
    Image_ = get_image_model()
    image = Image_.objects.filter(title=title).first()
    if image is None:
        filename = "badge-" + "".join(c if c.isalnum() else "-" for c in label.lower()) + ".png"
        image = Image_(title=title)
        image.file = ImageFile(io.BytesIO(draw_badge(label, colour)), name=filename)
        image.save()
    return image


def load(stdout=None):
    modules = list(ModulePage.objects.order_by("-is_entry_module", "path"))
    for index, module in enumerate(modules):
        image = badge_image(f"Badge – {module.title}", module.title, COLOURS[index % len(COLOURS)])
        badge, _created = Badge.objects.update_or_create(
            name=f"Module {module.title}",
            defaults={
                "description": f"A suivi le module « {module.title} » du parcours PassInnov.",
                "criteria": f"Avoir participé à une session du module « {module.title} », présence constatée "
                "par l’équipe d’animation.",
                "rule": Badge.Rule.ALL_MODULES,
                "count": 0,
                "image": image,
            },
        )
        badge.modules.set([module])
        badge.save()
    for spec, colour, label in [
        (PASSINNOV, BLUE, "Parcours"),
        (TRAINERS[0], (24, 117, 63), "Co-animateur"),
        (TRAINERS[1], (113, 72, 0), "Formateur"),
        (PRACTITIONER, (161, 0, 100), "Praticien·ne"),
    ]:
        image = badge_image(f"Badge – {spec['name']}", label, colour)
        Badge.objects.update_or_create(name=spec["name"], defaults={**spec, "image": image})
    # Statements of the demo's past sessions were stored before the badges existed: award what is due now.
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from progress.models import Progress, TrainerProgress
    from progress.services import badges

    users = get_user_model().objects.filter(
        Q(pk__in=Progress.objects.values("user_id")) | Q(pk__in=TrainerProgress.objects.values("user_id"))
    )
    for user in users:
        badges.evaluate(user, revoke_failing=False)
