"""Every editorial page renders in a bounded number of queries that does not grow with related content."""

import pytest

from fiches.models import FichePage
from parcours.models import ModulePage
from tests.home.editorial import add_fiche, cold_and_warm_queries
from videos import models as videos_models

pytestmark = pytest.mark.django_db

MAX_QUERIES = 30


def more_videos(number=5):
    index = videos_models.VideoIndexPage.objects.get()
    demo = videos_models.VideoPage.objects.live().first()
    module = ModulePage.objects.get(is_entry_module=True)
    for n in range(number):
        video = videos_models.VideoPage(
            title=f"Vidéo {n}",
            slug=f"video-{n}",
            video=demo.video,
            poster=demo.poster,
            captions=demo.captions,
            transcript="<p>Transcription.</p>",
            related_module=module,
        )
        index.add_child(instance=video)
        video.save_revision().publish()


def more_testimonials(number=5):
    index = videos_models.TestimonialIndexPage.objects.get()
    module = ModulePage.objects.get(is_entry_module=True)
    for n in range(number):
        page = videos_models.TestimonialPage(
            title=f"Témoignage {n}",
            slug=f"temoignage-{n}",
            first_name="Alex",
            job_title="agent",
            quote="Très utile.",
            story="<p>Récit.</p>",
            related_module=module,
        )
        index.add_child(instance=page)
        page.save_revision().publish()


def more_fiches(number=5):
    module = ModulePage.objects.get(is_entry_module=True)
    for n in range(number):
        add_fiche(f"Fiche liée {n}", module=module, tags=[f"lien-{n}"])


CASES = {
    "module": (lambda: ModulePage.objects.get(is_entry_module=True).url, [more_fiches, more_videos, more_testimonials]),
    "videos": (lambda: videos_models.VideoIndexPage.objects.get().url, [more_videos]),
    "video": (lambda: videos_models.VideoPage.objects.live().order_by("pk").first().url, [more_videos]),
    "testimonials": (lambda: videos_models.TestimonialIndexPage.objects.get().url, [more_testimonials]),
    "testimonial": (lambda: videos_models.TestimonialPage.objects.get(slug="emilie").url, [more_testimonials]),
    "fiche": (lambda: FichePage.objects.get(slug="persona").url, [more_fiches]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_page_queries_are_bounded_and_do_not_grow(agent_client, case):
    url_of, grow = CASES[case]
    url = url_of()
    before = cold_and_warm_queries(agent_client, url)  # shared fragments to build, then built
    for add in grow:
        add()
    assert cold_and_warm_queries(agent_client, url) == before
    assert before[1] <= before[0] <= MAX_QUERIES
