"""StreamField blocks shared by every page type (one place, so content apps
reuse them instead of redefining headings, figures and calls to action)."""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("titre"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("niveau"),
        choices=[("h2", _("Titre de section (h2)")), ("h3", _("Sous-titre (h3)"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Titre")
        template = "blocks/heading.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(
        label=_("texte alternatif"),
        required=False,
        max_length=250,
        help_text=_("Décrit l'image pour qui ne la voit pas. Laisser vide si elle est décorative."),
    )
    caption = blocks.CharBlock(label=_("légende"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/image.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(
        label=_("intitulé"), required=False, help_text=_("Par défaut, le titre du document.")
    )

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "blocks/document.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("citation"))
    attribution = blocks.CharBlock(label=_("auteur ou source"), required=False, max_length=250)

    class Meta:
        icon = "openquote"
        label = _("Citation")
        template = "blocks/quote.html"


class KeyFigureBlock(blocks.StructBlock):
    value = blocks.CharBlock(
        label=_("chiffre"), max_length=40, help_text=_("Par exemple « 2 132 » ou « 50 000 € ».")
    )
    label = blocks.CharBlock(
        label=_("libellé"), max_length=200, help_text=_("Par exemple « établissements de l'ESS ».")
    )

    class Meta:
        icon = "table"
        label = _("Chiffre clé")


class KeyFiguresBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("titre"), required=False, max_length=200)
    figures = blocks.ListBlock(KeyFigureBlock(), label=_("chiffres"), min_num=1)

    class Meta:
        icon = "order"
        label = _("Chiffres clés")
        template = "blocks/key_figures.html"


class CallToActionBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("texte du lien"), max_length=120)
    page = blocks.PageChooserBlock(label=_("page du site"), required=False)
    url = blocks.URLBlock(label=_("ou adresse externe"), required=False)

    class Meta:
        icon = "link"
        label = _("Appel à l'action")
        template = "blocks/call_to_action.html"

    def get_context(self, value, parent_context=None):
        from home.locales import localized_page

        context = super().get_context(value, parent_context=parent_context)
        # The chosen page in the visitor's language (cached, no query).
        context["target"] = localized_page(value.get("page"))
        return context

    def clean(self, value):
        result = super().clean(value)
        if bool(result.get("page")) == bool(result.get("url")):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "url": ErrorList(
                        [ValidationError(_("Choisissez soit une page du site, soit une adresse."))]
                    )
                }
            )
        return result


def body_blocks():
    """The block list of a standard body; content apps extend it."""
    return [
        ("heading", HeadingBlock()),
        (
            "paragraph",
            blocks.RichTextBlock(
                features=RICH_TEXT_FEATURES, label=_("Paragraphe"), template="blocks/paragraph.html"
            ),
        ),
        ("image", ImageBlock()),
        ("document", DocumentBlock()),
        ("quote", QuoteBlock()),
        ("key_figures", KeyFiguresBlock()),
        ("call_to_action", CallToActionBlock()),
    ]
